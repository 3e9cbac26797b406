import type Anthropic from '@anthropic-ai/sdk';
import { mergeUsage } from '../chat/stream.mapper.js';
import { finishReason } from '../chat/tables.js';
import { toUsage, type UsageLike } from '../chat/usage.mapper.js';
import { createFenceState, endFenced, type FenceState, pushFenced } from '../shared/json-fence.js';
import { encodeThinking, type ThinkingBlock } from './reasoning-codec.js';
import type { ToolName } from './tool-plan.js';
import type {
  CustomToolCallItem,
  FunctionCallItem,
  OutputItem,
  OutputMessage,
  OutputText,
  ReasoningItem,
  ResponseObject,
  ResponseStreamEvent,
  ResponseUsage,
  WebSearchCallItem,
} from './responses.types.js';

/** One Anthropic content block in flight, and the output item it became. */
type OpenBlock =
  /** `start`: where this block's text begins in the message's text, for citation offsets. */
  | { kind: 'text'; start: number; sources: Array<{ url: string; title: string }> }
  | { kind: 'thinking'; item: ReasoningItem; outputIndex: number; text: string; signature: string }
  | { kind: 'redacted'; item: ReasoningItem; outputIndex: number; data: string }
  | { kind: 'call'; item: FunctionCallItem; outputIndex: number; args: string }
  | { kind: 'custom'; item: CustomToolCallItem; outputIndex: number; args: string }
  | { kind: 'search'; item: WebSearchCallItem; outputIndex: number; input: string }
  | { kind: 'other' };

/**
 * What the mapper remembers between events of one stream. Plain data, no I/O;
 * `response` is the response as it grows, complete (signed thinking
 * included) for the store; what the client sees is `clientView` of it.
 */
export interface ResponsesStreamState {
  response: ResponseObject;
  /** Keeps `encrypted_content` in what the client sees (`include: ["reasoning.encrypted_content"]`). */
  includeEncrypted: boolean;
  /** Anthropic tool name → the name and namespace the client sent (and whether it is a `custom` tool). */
  names: Map<string, ToolName>;
  sequence: number;
  blocks: Map<number, OpenBlock>;
  /**
   * The assistant message item consecutive text blocks write into, until
   * another kind of block starts. `fence`: in JSON mode, a Markdown fence
   * around its text is taken off (json-fence.ts), as chat completions do.
   */
  message: { item: OutputMessage; outputIndex: number; fence: FenceState | null } | null;
  /** `text.format: json_object`: JSON mode is an instruction upstream, and a fence the model adds anyway comes off. */
  jsonMode: boolean;
  usage: UsageLike;
  /** Every signed thinking block of the answer, in order, for the gateway's thinking cache. */
  thinking: ThinkingBlock[];
  stop: Anthropic.StopReason | null;
  finished: boolean;
  /**
   * False for a non-streaming answer: the state is all that is wanted, so no
   * events (and none of the snapshots they carry) are made.
   */
  emitting: boolean;
}

export function createResponsesStreamState(
  response: ResponseObject,
  options: { includeEncrypted: boolean; names: ResponsesStreamState['names']; emitting?: boolean; jsonMode?: boolean },
): ResponsesStreamState {
  return {
    response,
    includeEncrypted: options.includeEncrypted,
    names: options.names,
    sequence: 0,
    blocks: new Map(),
    message: null,
    jsonMode: options.jsonMode ?? false,
    usage: { input_tokens: 0, output_tokens: 0 },
    thinking: [],
    stop: null,
    finished: false,
    emitting: options.emitting ?? true,
  };
}

/** One Anthropic stream event → the Responses events it stands for (often none). */
export function eventToResponseEvents(
  state: ResponsesStreamState,
  event: Anthropic.RawMessageStreamEvent,
): ResponseStreamEvent[] {
  // A non-streaming answer wants no events: no list and no closure made for each upstream event.
  const out: ResponseStreamEvent[] = state.emitting ? [] : NO_EVENTS;
  const emit: Emit = state.emitting
    ? (type, fields) => void out.push({ type, sequence_number: state.sequence++, ...fields })
    : ignore;
  switch (event.type) {
    case 'message_start':
      state.usage = { ...event.message.usage };
      if (!state.emitting) break;
      emit('response.created', { response: clientView(state) });
      emit('response.in_progress', { response: clientView(state) });
      break;
    case 'content_block_start':
      blockStart(state, event, emit);
      break;
    case 'content_block_delta':
      blockDelta(state, event, emit);
      break;
    case 'content_block_stop':
      blockStop(state, event.index, emit);
      break;
    case 'message_delta':
      state.usage = mergeUsage(state.usage, event.usage);
      if (event.delta.stop_reason) state.stop = event.delta.stop_reason;
      break;
    case 'message_stop':
      closeMessage(state, emit);
      finish(state);
      if (!state.emitting) break;
      emit(state.response.status === 'incomplete' ? 'response.incomplete' : 'response.completed', {
        response: clientView(state),
      });
      break;
    default:
      // ping carries nothing a client sees.
      break;
  }
  return out;
}

/** What a non-streaming fold returns for every event: nothing is ever added to it. */
const NO_EVENTS: ResponseStreamEvent[] = Object.freeze([]) as unknown as ResponseStreamEvent[];
const ignore: Emit = () => undefined;

/**
 * A failure after the first byte: the `error` event (flat as documented, and
 * with the nested `error` object the OpenAI SDKs raise on), then
 * `response.failed` with the response as far as it got.
 */
export function failureEvents(
  state: ResponsesStreamState,
  error: { message: string; type: string; code: string | null; param: string | null },
): ResponseStreamEvent[] {
  state.response.status = 'failed';
  state.response.error = { code: error.code ?? error.type, message: error.message };
  return [
    { type: 'error', sequence_number: state.sequence++, code: error.code, message: error.message, param: error.param, error },
    { type: 'response.failed', sequence_number: state.sequence++, response: clientView(state) },
  ];
}

/** The response as the client may see it: signed thinking only when it asked for it. */
export function clientView(state: ResponsesStreamState): ResponseObject {
  return { ...state.response, output: state.response.output.map((item) => withoutSecrets(state, item)) };
}

/**
 * The finished answer as the client may see it, for a non-streaming client:
 * the response itself (it no longer changes) when it has nothing to hide,
 * so it is not copied only to be serialized.
 */
export function answerView(state: ResponsesStreamState): ResponseObject {
  return state.response.output.some((item) => hidden(state, item)) ? clientView(state) : state.response;
}

/**
 * An item as the client may see it, sharing what is not changed: whoever
 * takes a view serializes it at once (an event on its way out, an answer),
 * before the stream changes the item again.
 */
function withoutSecrets(state: ResponsesStreamState, item: OutputItem): OutputItem {
  if (!hidden(state, item)) return item;
  const { encrypted_content: _kept, ...rest } = item;
  return rest;
}

/** Whether the client may not see all of an item: signed thinking it did not ask for. */
const hidden = (state: ResponsesStreamState, item: OutputItem): item is Extract<OutputItem, { type: 'reasoning' }> =>
  item.type === 'reasoning' && !state.includeEncrypted;

type Emit = (type: string, fields: Record<string, unknown>) => void;

/*
 * What events carry of items and parts. The events made for one upstream
 * event all go out before the next is read, and each is serialized as it
 * goes; but within one batch an item added is then filled in (its first
 * part, its first summary), so what an `added` event carries is a copy of
 * the item as it was. A `done` item or part no longer changes.
 */

/** The item as it is when added: empty lists, since what goes into them follows in later events. */
function addedView(state: ResponsesStreamState, item: OutputItem): OutputItem {
  const view = withoutSecrets(state, item);
  if (view.type === 'message') return { ...view, content: [] };
  if (view.type === 'reasoning') return { ...view, summary: [] };
  return { ...view };
}

/** A finished item, as the client may see it. */
function snapshot(state: ResponsesStreamState, item: OutputItem): OutputItem {
  return withoutSecrets(state, item);
}

/** A part as it is now; its text may grow within the same batch. */
function partSnapshot(part: OutputText): OutputText {
  return { ...part, annotations: [...(part.annotations ?? [])] };
}

function addItem(state: ResponsesStreamState, item: OutputItem, emit: Emit): number {
  const outputIndex = state.response.output.push(item) - 1;
  if (state.emitting) emit('response.output_item.added', { output_index: outputIndex, item: addedView(state, item) });
  return outputIndex;
}

function itemId(state: ResponsesStreamState, prefix: string, index: number): string {
  return `${prefix}_${state.response.id.replace(/^resp_/, '')}_${index}`;
}

function blockStart(state: ResponsesStreamState, event: Anthropic.RawContentBlockStartEvent, emit: Emit): void {
  const block = event.content_block;
  if (block.type === 'text') {
    if (!state.message) {
      const item: OutputMessage = { type: 'message', id: itemId(state, 'msg', event.index), role: 'assistant', status: 'in_progress', content: [] };
      const outputIndex = addItem(state, item, emit);
      const part: OutputText = { type: 'output_text', text: '', annotations: [], logprobs: [] };
      item.content.push(part);
      emit('response.content_part.added', { item_id: item.id, output_index: outputIndex, content_index: 0, part: partSnapshot(part) });
      state.message = { item, outputIndex, fence: state.jsonMode ? createFenceState() : null };
    }
    state.blocks.set(event.index, { kind: 'text', start: state.message.item.content[0].text.length, sources: [] });
    if (block.text) textDelta(state, block.text, emit);
    return;
  }
  closeMessage(state, emit);
  switch (block.type) {
    case 'thinking': {
      const item: ReasoningItem = { type: 'reasoning', id: itemId(state, 'rs', event.index), summary: [] };
      const outputIndex = addItem(state, item, emit);
      item.summary.push({ type: 'summary_text', text: '' });
      emit('response.reasoning_summary_part.added', {
        item_id: item.id,
        output_index: outputIndex,
        summary_index: 0,
        part: { type: 'summary_text', text: '' },
      });
      state.blocks.set(event.index, { kind: 'thinking', item, outputIndex, text: block.thinking ?? '', signature: block.signature ?? '' });
      return;
    }
    case 'redacted_thinking': {
      const item: ReasoningItem = { type: 'reasoning', id: itemId(state, 'rs', event.index), summary: [] };
      const outputIndex = addItem(state, item, emit);
      state.blocks.set(event.index, { kind: 'redacted', item, outputIndex, data: block.data });
      return;
    }
    case 'tool_use': {
      const known: ToolName = state.names.get(block.name) ?? { name: block.name };
      if (known.custom) {
        const item: CustomToolCallItem = {
          type: 'custom_tool_call',
          id: itemId(state, 'ctc', event.index),
          call_id: block.id,
          name: known.name,
          ...(known.namespace && { namespace: known.namespace }),
          input: '',
          status: 'in_progress',
        };
        const outputIndex = addItem(state, item, emit);
        state.blocks.set(event.index, { kind: 'custom', item, outputIndex, args: '' });
        return;
      }
      const item: FunctionCallItem = {
        type: 'function_call',
        id: itemId(state, 'fc', event.index),
        call_id: block.id,
        name: known.name,
        ...(known.namespace && { namespace: known.namespace }),
        arguments: '',
        status: 'in_progress',
      };
      const outputIndex = addItem(state, item, emit);
      state.blocks.set(event.index, { kind: 'call', item, outputIndex, args: '' });
      return;
    }
    case 'server_tool_use': {
      if (block.name !== 'web_search') break;
      const item: WebSearchCallItem = { type: 'web_search_call', id: itemId(state, 'ws', event.index), status: 'in_progress', action: { type: 'search' } };
      const outputIndex = addItem(state, item, emit);
      state.blocks.set(event.index, { kind: 'search', item, outputIndex, input: '' });
      return;
    }
  }
  // Search results and other server blocks: what they found reaches the client through Claude's text.
  state.blocks.set(event.index, { kind: 'other' });
}

function textDelta(state: ResponsesStreamState, text: string, emit: Emit): void {
  const message = state.message;
  if (!message) return;
  if (!message.fence) return appendText(message, text, emit);
  const passed = pushFenced(message.fence, text);
  if (passed) appendText(message, passed, emit);
}

/** Text that goes out now (in JSON mode, what the fence reducer passes on). */
function appendText(message: NonNullable<ResponsesStreamState['message']>, text: string, emit: Emit): void {
  message.item.content[0].text += text;
  emit('response.output_text.delta', { item_id: message.item.id, output_index: message.outputIndex, content_index: 0, delta: text, logprobs: [] });
}

function blockDelta(state: ResponsesStreamState, event: Anthropic.RawContentBlockDeltaEvent, emit: Emit): void {
  const open = state.blocks.get(event.index);
  const delta = event.delta;
  if (!open) return;
  if (delta.type === 'text_delta' && open.kind === 'text') textDelta(state, delta.text, emit);
  else if (delta.type === 'citations_delta' && open.kind === 'text' && delta.citation.type === 'web_search_result_location') {
    open.sources.push({ url: delta.citation.url, title: delta.citation.title ?? delta.citation.url });
  }
  else if (delta.type === 'thinking_delta' && open.kind === 'thinking') {
    open.text += delta.thinking;
    emit('response.reasoning_summary_text.delta', { item_id: open.item.id, output_index: open.outputIndex, summary_index: 0, delta: delta.thinking });
  } else if (delta.type === 'signature_delta' && open.kind === 'thinking') open.signature += delta.signature;
  else if (delta.type === 'input_json_delta' && open.kind === 'call') {
    if (delta.partial_json === '') return;
    open.args += delta.partial_json;
    emit('response.function_call_arguments.delta', { item_id: open.item.id, output_index: open.outputIndex, delta: delta.partial_json });
  } else if (delta.type === 'input_json_delta' && (open.kind === 'search' || open.kind === 'custom')) {
    // Whole only: the text sits inside a JSON string, which cannot be cut out safely fragment by fragment.
    if (open.kind === 'search') open.input += delta.partial_json;
    else open.args += delta.partial_json;
  }
}

function blockStop(state: ResponsesStreamState, index: number, emit: Emit): void {
  const open = state.blocks.get(index);
  state.blocks.delete(index);
  if (!open) return;
  switch (open.kind) {
    case 'text':
      cite(state, open, emit);
      return;
    case 'thinking': {
      const { item } = open;
      item.summary[0].text = open.text;
      const signed: ThinkingBlock = { type: 'thinking', thinking: open.text, signature: open.signature };
      state.thinking.push(signed);
      item.encrypted_content = encodeThinking([signed]);
      item.status = 'completed';
      emit('response.reasoning_summary_text.done', { item_id: item.id, output_index: open.outputIndex, summary_index: 0, text: open.text });
      emit('response.reasoning_summary_part.done', {
        item_id: item.id,
        output_index: open.outputIndex,
        summary_index: 0,
        part: { type: 'summary_text', text: open.text },
      });
      emit('response.output_item.done', { output_index: open.outputIndex, item: snapshot(state, item) });
      return;
    }
    case 'redacted': {
      const signed: ThinkingBlock = { type: 'redacted_thinking', data: open.data };
      state.thinking.push(signed);
      open.item.encrypted_content = encodeThinking([signed]);
      open.item.status = 'completed';
      emit('response.output_item.done', { output_index: open.outputIndex, item: snapshot(state, open.item) });
      return;
    }
    case 'call': {
      const { item } = open;
      // A tool without parameters streams no argument fragments at all.
      item.arguments = open.args || '{}';
      item.status = 'completed';
      emit('response.function_call_arguments.done', { item_id: item.id, output_index: open.outputIndex, name: item.name, arguments: item.arguments });
      emit('response.output_item.done', { output_index: open.outputIndex, item: snapshot(state, item) });
      return;
    }
    case 'custom': {
      const { item } = open;
      item.input = customInput(open.args);
      item.status = 'completed';
      emit('response.custom_tool_call_input.done', { item_id: item.id, output_index: open.outputIndex, input: item.input });
      emit('response.output_item.done', { output_index: open.outputIndex, item: snapshot(state, item) });
      return;
    }
    case 'search': {
      const query = searchQuery(open.input);
      open.item.action = { type: 'search', ...(query !== undefined && { query }) };
      open.item.status = 'completed';
      emit('response.output_item.done', { output_index: open.outputIndex, item: snapshot(state, open.item) });
      return;
    }
    default:
      return;
  }
}

/**
 * A text block Claude based on web search results cites them for the whole
 * block: each becomes a `url_citation` annotation over that block's span of
 * the message text.
 */
function cite(state: ResponsesStreamState, open: Extract<OpenBlock, { kind: 'text' }>, emit: Emit): void {
  const message = state.message;
  if (!message || open.sources.length === 0) return;
  const part = message.item.content[0];
  const annotations = (part.annotations ??= []);
  for (const source of open.sources) {
    const annotation = { type: 'url_citation', url: source.url, title: source.title, start_index: open.start, end_index: part.text.length };
    annotations.push(annotation);
    emit('response.output_text.annotation.added', {
      item_id: message.item.id,
      output_index: message.outputIndex,
      content_index: 0,
      annotation_index: annotations.length - 1,
      annotation,
    });
  }
}

/** Claude's `{"input": "..."}` for a custom tool → the text; anything else is passed on as Claude wrote it. */
function customInput(args: string): string {
  try {
    const parsed = JSON.parse(args) as { input?: unknown };
    return typeof parsed.input === 'string' ? parsed.input : args;
  } catch {
    return args;
  }
}

function searchQuery(input: string): string | undefined {
  try {
    const parsed = JSON.parse(input) as { query?: unknown };
    return typeof parsed.query === 'string' ? parsed.query : undefined;
  } catch {
    return undefined;
  }
}

function closeMessage(state: ResponsesStreamState, emit: Emit): void {
  const message = state.message;
  if (!message) return;
  // Text held back while it might have been a closing fence goes out before the text is done.
  const held = message.fence ? endFenced(message.fence) : '';
  if (held) appendText(message, held, emit);
  state.message = null;
  const { item, outputIndex } = message;
  const part = item.content[0];
  item.status = 'completed';
  emit('response.output_text.done', { item_id: item.id, output_index: outputIndex, content_index: 0, text: part.text, logprobs: [] });
  emit('response.content_part.done', { item_id: item.id, output_index: outputIndex, content_index: 0, part: partSnapshot(part) });
  emit('response.output_item.done', { output_index: outputIndex, item: snapshot(state, item) });
}

/** Stop reason → status through the chat table: `length` and `content_filter` are the incomplete ones. */
function finish(state: ResponsesStreamState): void {
  const reason = finishReason(state.stop);
  const response = state.response;
  if (reason === 'length' || reason === 'content_filter') {
    response.status = 'incomplete';
    response.incomplete_details = { reason: reason === 'length' ? 'max_output_tokens' : 'content_filter' };
  } else response.status = 'completed';
  response.completed_at = Math.floor(Date.now() / 1000);
  response.usage = toResponseUsage(state.usage);
  state.finished = true;
}

/** The chat usage (which counts cache reads and writes as input) renamed to the Responses fields. */
export function toResponseUsage(usage: UsageLike): ResponseUsage {
  const chat = toUsage(usage);
  return {
    input_tokens: chat.prompt_tokens,
    input_tokens_details: {
      cached_tokens: chat.prompt_tokens_details.cached_tokens,
      cache_write_tokens: chat.prompt_tokens_details.cache_write_tokens,
    },
    output_tokens: chat.completion_tokens,
    output_tokens_details: { reasoning_tokens: chat.completion_tokens_details.reasoning_tokens },
    total_tokens: chat.total_tokens,
  };
}
