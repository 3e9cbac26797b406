import type Anthropic from '@anthropic-ai/sdk';
import type { ChatCompletionChunk, FinishReason } from './openai.types.js';
import { toUsage, type UsageLike } from './usage.mapper.js';
import { finishReason } from './tables.js';
import { toReasoningDetails, toThinkingBlocks, type SignedThinking } from '../shared/thinking.js';
import { mapGuarded } from '../shared/malformed-event.js';
import { captureThinking, createThinkingCapture, type ThinkingCapture } from '../shared/thinking-capture.js';

type Delta = ChatCompletionChunk['choices'][number]['delta'];

/**
 * What the mapper remembers between events of one stream. Plain data, no I/O:
 * the mapping is a function of (state, event), testable event by event.
 */
export interface StreamState {
  id: string;
  created: number;
  model: string;
  includeUsage: boolean;
  /** Anthropic content-block index → OpenAI tool-call index (which counts tool calls only). */
  toolCallIndex: Map<number, number>;
  usage: UsageLike;
  /** Signed thinking and the tool calls it led to: what the next request of a tool loop must send back. */
  thinking: ThinkingCapture;
  /** The call goes out as a legacy `function_call` (the request offered `functions`), not `tool_calls`. */
  functionCall: boolean;
}

/** `functionCall`: answer the call in the legacy shape (see `answersInFunctionCall`). */
export function createStreamState(model: string, includeUsage: boolean, now = Date.now(), functionCall = false): StreamState {
  return {
    id: '',
    created: Math.floor(now / 1000),
    model,
    includeUsage,
    functionCall,
    toolCallIndex: new Map(),
    usage: { input_tokens: 0, output_tokens: 0 },
    thinking: createThinkingCapture(),
  };
}

/** One Anthropic stream event → the OpenAI chunks it stands for (often none). */
export function eventToChunks(state: StreamState, event: Anthropic.RawMessageStreamEvent): ChatCompletionChunk[] {
  const signed = captureThinking(state.thinking, event);
  // A thinking block is complete (signature included) only at its content_block_stop.
  if (signed) return [signedThinkingChunk(state, signed, state.thinking.blocks.length - 1)];
  switch (event.type) {
    case 'message_start':
      state.id = `chatcmpl-${event.message.id}`;
      state.usage = { ...event.message.usage };
      return [chunk(state, { role: 'assistant', content: '' })];
    case 'content_block_start':
      return blockStart(state, event);
    case 'content_block_delta':
      return blockDelta(state, event);
    case 'message_delta':
      state.usage = mergeUsage(state.usage, event.usage);
      return event.delta.stop_reason ? [chunk(state, {}, finish(state, event.delta.stop_reason))] : [];
    default:
      // content_block_stop, message_stop, and ping carry nothing a client sees.
      return [];
  }
}

/**
 * Every chunk for a stream of upstream events, then the stream's final state
 * as the generator's return value (id, model, usage), which the
 * non-streaming path needs to assemble its answer. `completed` sees that
 * state once the last chunk is out, only when the stream completed (and the
 * stream ends when what it returns settles): a caller
 * with something to do then needs no generator of its own around this one
 * (each layer costs every open stream its frames, and every chunk a hop).
 */
export async function* streamChunks(
  events: AsyncIterable<Anthropic.RawMessageStreamEvent> | Iterable<Anthropic.RawMessageStreamEvent>,
  state: StreamState,
  completed?: (state: StreamState) => void | Promise<void>,
): AsyncGenerator<ChatCompletionChunk, StreamState> {
  // A loop, not `yield*`: delegating to an array from an async generator wraps it in an async iterator, with a promise per step.
  for await (const event of events) for (const chunk of mapEvent(state, event)) yield chunk;
  for (const chunk of finalChunks(state)) yield chunk;
  // Awaited: what it keeps (the answer's thinking) is there before the client hears the stream is done.
  await completed?.(state);
  return state;
}

/** The same for events that are all there already (a whole message): no awaiting between them. */
export function* messageChunks(
  events: Iterable<Anthropic.RawMessageStreamEvent>,
  state: StreamState,
): Generator<ChatCompletionChunk, StreamState> {
  for (const event of events) yield* mapEvent(state, event);
  yield* finalChunks(state);
  return state;
}

/**
 * A completed signed thinking block, for clients that send it back in the next
 * request of a tool loop: in both fields clients use (see thinking.ts).
 */
function signedThinkingChunk(state: StreamState, block: SignedThinking, index: number): ChatCompletionChunk {
  const [detail] = toReasoningDetails([block]);
  return chunk(state, { reasoning_details: [{ ...detail, index }], thinking_blocks: toThinkingBlocks([block]) });
}

/** The chunks for one event; a malformed event is upstream's 502 (malformed-event.ts). */
function mapEvent(state: StreamState, event: Anthropic.RawMessageStreamEvent): ChatCompletionChunk[] {
  return mapGuarded(eventToChunks, state, event);
}

/** After `message_stop`: the usage chunk OpenAI sends when `stream_options.include_usage` is set. */
export function finalChunks(state: StreamState): ChatCompletionChunk[] {
  if (!state.includeUsage) return [];
  const out = envelope(state, []);
  out.usage = toUsage(state.usage);
  return [out];
}

/** A legacy answer says `function_call` where the tools answer says `tool_calls`. */
function finish(state: StreamState, stop: Anthropic.StopReason): FinishReason {
  const reason = finishReason(stop);
  return state.functionCall && reason === 'tool_calls' ? 'function_call' : reason;
}

function blockStart(state: StreamState, event: Anthropic.RawContentBlockStartEvent): ChatCompletionChunk[] {
  const block = event.content_block;
  if (block.type === 'tool_use') {
    const index = state.toolCallIndex.size;
    state.toolCallIndex.set(event.index, index);
    // The legacy shape holds one call; Claude is asked for one (disable_parallel_tool_use).
    if (state.functionCall) return index === 0 ? [chunk(state, { function_call: { name: block.name, arguments: '' } })] : [];
    return [
      chunk(state, {
        tool_calls: [{ index, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }],
      }),
    ];
  }
  if (block.type === 'text' && block.text) return [chunk(state, { content: block.text })];
  return [];
}

function blockDelta(state: StreamState, event: Anthropic.RawContentBlockDeltaEvent): ChatCompletionChunk[] {
  const delta = event.delta;
  switch (delta.type) {
    case 'text_delta':
      return [chunk(state, { content: delta.text })];
    case 'thinking_delta':
      return [chunk(state, { reasoning_content: delta.thinking })];
    case 'input_json_delta': {
      const index = state.toolCallIndex.get(event.index);
      if (index === undefined || delta.partial_json === '') return [];
      if (state.functionCall) return index === 0 ? [chunk(state, { function_call: { arguments: delta.partial_json } })] : [];
      return [chunk(state, { tool_calls: [{ index, function: { arguments: delta.partial_json } }] })];
    }
    default:
      // signature_delta and citations_delta have no OpenAI counterpart.
      return [];
  }
}

/**
 * A chunk around `choices`, written out key by key rather than spread from a
 * shared envelope: V8 (Node 20) gives an object spread from another and then
 * given more keys a hidden class of its own, a new one for every streamed
 * chunk, which each event then paid for in allocation and in slower
 * serialization. Keys stay in OpenAI's order (`usage` is added last).
 */
function envelope(state: StreamState, choices: ChatCompletionChunk['choices']): ChatCompletionChunk {
  return { id: state.id, object: 'chat.completion.chunk', created: state.created, model: state.model, choices };
}

function chunk(state: StreamState, delta: Delta, finish: FinishReason | null = null): ChatCompletionChunk {
  const out = envelope(state, [{ index: 0, delta, logprobs: null, finish_reason: finish }]);
  // OpenAI marks every chunk but the last with `usage: null` when usage was asked for.
  if (state.includeUsage) out.usage = null;
  return out;
}

/** Anthropic's delta usage is cumulative: a reported count replaces the earlier one, never adds. */
export function mergeUsage(before: StreamState['usage'], delta: Anthropic.MessageDeltaUsage): StreamState['usage'] {
  return {
    input_tokens: delta.input_tokens ?? before.input_tokens,
    output_tokens: delta.output_tokens,
    cache_creation_input_tokens: delta.cache_creation_input_tokens ?? before.cache_creation_input_tokens,
    cache_read_input_tokens: delta.cache_read_input_tokens ?? before.cache_read_input_tokens,
    output_tokens_details: delta.output_tokens_details ?? before.output_tokens_details,
  };
}
