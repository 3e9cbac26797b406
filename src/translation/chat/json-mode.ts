import { createFenceState, endFenced, pushFenced } from '../shared/json-fence.js';
import type { ChatCompletionChunk, ResponseFormat } from './openai.types.js';
import type { StreamState } from './stream.mapper.js';

type Chunks = AsyncGenerator<ChatCompletionChunk, StreamState>;

/**
 * The schema an answer is held to (structured output), and where the client
 * put it: `json_schema.schema`, or `schema` beside `type: "json_object"` (the
 * shape some providers and instructor's JSON_SCHEMA mode send).
 */
export function responseSchema(format: ResponseFormat | null | undefined): { schema: Record<string, unknown>; param: string } | undefined {
  if (format?.type === 'json_schema' && format.json_schema?.schema) {
    return { schema: format.json_schema.schema, param: 'response_format.json_schema.schema' };
  }
  if (format?.type === 'json_object' && hasSchema(format)) return { schema: format.schema, param: 'response_format.schema' };
  return undefined;
}

/** An empty schema (`{}`, what a schema library that cannot read the model's type gives) holds nothing: JSON mode. */
const hasSchema = (format: ResponseFormat): format is ResponseFormat & { schema: Record<string, unknown> } =>
  format.schema != null && Object.keys(format.schema).length > 0;

/** JSON mode without a schema: an instruction upstream, and a fence taken off the answer. */
export const isJsonMode = (format: ResponseFormat | null | undefined): boolean => format?.type === 'json_object' && !hasSchema(format);

/**
 * JSON mode (`response_format: json_object`): the chunks with a Markdown fence
 * around the answer taken off (json-fence.ts), for streaming and non-streaming
 * clients alike. Text held back while it may be a closing fence is passed on
 * before the chunk that carries the finish reason.
 */
export async function* unfencedChunks(chunks: Chunks): Chunks {
  const fence = createFenceState();
  for (;;) {
    const next = await chunks.next();
    if (next.done) return next.value;
    const chunk = next.value;
    const choice = chunk.choices[0];
    if (!choice) {
      yield chunk;
      continue;
    }
    const { content, ...rest } = choice.delta;
    let delta = choice.delta;
    if (content) {
      const passed = pushFenced(fence, content);
      delta = passed ? { ...rest, content: passed } : rest;
      if (!passed && Object.keys(rest).length === 0 && !choice.finish_reason) continue;
    }
    if (choice.finish_reason) {
      const held = endFenced(fence);
      if (held) yield { ...chunk, choices: [{ ...choice, delta: { content: held }, finish_reason: null }] };
    }
    yield { ...chunk, choices: [{ ...choice, delta }] };
  }
}
