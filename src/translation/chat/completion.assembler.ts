import type { ChatCompletion, ChatCompletionChunk, ToolCall } from './openai.types.js';
import { toUsage } from './usage.mapper.js';
import type { StreamState } from './stream.mapper.js';
import type { ReasoningDetail, SignedThinking } from '../shared/thinking.js';

/**
 * Folds the chunks of one stream into the `chat.completion` a non-streaming
 * client expects. Built on the stream mapper's output so that both paths
 * answer alike; tool arguments stay the strings they arrived as (OpenAI wants
 * a JSON string), so no partial JSON is ever parsed. Pure.
 */
export interface Assembly {
  content: string[];
  reasoning: string[];
  reasoningDetails: ReasoningDetail[];
  thinkingBlocks: SignedThinking[];
  toolCalls: Array<{ id: string; name: string; arguments: string[] }>;
  /** A legacy `function_call` (see `answersInFunctionCall`). */
  functionCall: { name: string; arguments: string[] } | null;
  finish: ChatCompletion['choices'][number]['finish_reason'];
}

export function createAssembly(): Assembly {
  return { content: [], reasoning: [], reasoningDetails: [], thinkingBlocks: [], toolCalls: [], functionCall: null, finish: 'stop' };
}

/**
 * Bytes of answer a chunk adds (text, thinking, tool names and arguments),
 * for the cap on what is held in memory until the answer is complete.
 */
export function chunkBytes(chunk: ChatCompletionChunk): number {
  const delta = chunk.choices[0]?.delta;
  if (!delta) return 0;
  let bytes = Buffer.byteLength(delta.content ?? '') + Buffer.byteLength(delta.reasoning_content ?? '');
  for (const call of delta.tool_calls ?? []) {
    bytes += Buffer.byteLength(call.function.name ?? '') + Buffer.byteLength(call.function.arguments ?? '');
  }
  if (delta.function_call) bytes += Buffer.byteLength(delta.function_call.name ?? '') + Buffer.byteLength(delta.function_call.arguments);
  return bytes;
}

export function addChunk(assembly: Assembly, chunk: ChatCompletionChunk): void {
  const choice = chunk.choices[0];
  if (!choice) return;
  const { delta } = choice;
  if (delta.content) assembly.content.push(delta.content);
  if (delta.reasoning_content) assembly.reasoning.push(delta.reasoning_content);
  if (delta.reasoning_details) assembly.reasoningDetails.push(...delta.reasoning_details);
  if (delta.thinking_blocks) assembly.thinkingBlocks.push(...delta.thinking_blocks);
  for (const call of delta.tool_calls ?? []) {
    const existing = (assembly.toolCalls[call.index] ??= { id: '', name: '', arguments: [] });
    if (call.id) existing.id = call.id;
    if (call.function.name) existing.name = call.function.name;
    if (call.function.arguments) existing.arguments.push(call.function.arguments);
  }
  if (delta.function_call) {
    const call = (assembly.functionCall ??= { name: '', arguments: [] });
    if (delta.function_call.name) call.name = delta.function_call.name;
    if (delta.function_call.arguments) call.arguments.push(delta.function_call.arguments);
  }
  if (choice.finish_reason) assembly.finish = choice.finish_reason;
}

export function assembledCompletion(assembly: Assembly, state: StreamState): ChatCompletion {
  const toolCalls: ToolCall[] = assembly.toolCalls.map((call) => ({
    id: call.id,
    type: 'function',
    // A tool without parameters streams no argument fragments at all.
    function: { name: call.name, arguments: call.arguments.join('') || '{}' },
  }));
  const text = assembly.content.join('');
  const call = assembly.functionCall;
  const calls = toolCalls.length > 0 || call !== null;
  return {
    id: state.id,
    object: 'chat.completion',
    created: state.created,
    model: state.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text === '' && calls ? null : text,
          refusal: null,
          ...(toolCalls.length > 0 && { tool_calls: toolCalls }),
          ...(call && { function_call: { name: call.name, arguments: call.arguments.join('') || '{}' } }),
          ...(assembly.reasoning.length > 0 && { reasoning_content: assembly.reasoning.join('') }),
          ...(assembly.reasoningDetails.length > 0 && { reasoning_details: assembly.reasoningDetails }),
          ...(assembly.thinkingBlocks.length > 0 && { thinking_blocks: assembly.thinkingBlocks }),
        },
        logprobs: null,
        finish_reason: assembly.finish,
      },
    ],
    usage: toUsage(state.usage),
  };
}
