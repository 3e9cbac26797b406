import type { ResponseObject, ResponsesRequest } from './responses.types.js';

/**
 * The response object before any output: what the request asked for, echoed
 * as OpenAI echoes it (clients read `model`, `tools`, `text` back from it).
 * `model` is the model as the client sent it.
 */
export function responseSkeleton(req: ResponsesRequest, id: string, now = Date.now()): ResponseObject {
  return {
    id,
    object: 'response',
    created_at: Math.floor(now / 1000),
    completed_at: null,
    status: 'in_progress',
    error: null,
    incomplete_details: null,
    instructions: req.instructions ?? null,
    max_output_tokens: req.max_output_tokens ?? null,
    model: req.model,
    output: [],
    parallel_tool_calls: req.parallel_tool_calls ?? true,
    previous_response_id: req.previous_response_id ?? null,
    reasoning: { effort: req.reasoning?.effort ?? null, summary: req.reasoning?.summary ?? null },
    store: req.store ?? true,
    temperature: req.temperature ?? null,
    text: { format: req.text?.format ?? { type: 'text' } },
    tool_choice: req.tool_choice ?? 'auto',
    tools: req.tools ?? [],
    top_p: req.top_p ?? null,
    truncation: 'disabled',
    usage: null,
    user: req.user ?? null,
    metadata: req.metadata ?? {},
    prompt_cache_key: req.prompt_cache_key ?? null,
    safety_identifier: req.safety_identifier ?? null,
  };
}
