import type Anthropic from '@anthropic-ai/sdk';
import { invalidRequest } from '../../common/errors/gateway-error.js';
import type { MessageRequest } from '../../upstream/message-request.js';
import { JSON_MODE_INSTRUCTION, SchemaError, toUpstreamSchema } from '../shared/json-schema.js';
import {
  automaticCacheControl,
  breakpoint,
  clientBreakpoint,
  MAX_CACHE_BREAKPOINTS,
  type PromptCachePolicy,
  type PromptCacheTtl,
} from '../shared/prompt-cache.js';
import { takesMidConversationSystem } from '../shared/system-placement.js';
import {
  isThinkingOn,
  lacksLoopThinking,
  signedThinkingFrom,
  thinkingOff,
  thinkingParams,
  type SignedThinking,
  type ThinkingParams,
} from '../shared/thinking.js';
import { legacyCallId, toUpstreamToolId } from '../shared/tool-ids.js';
import { isJsonMode, responseSchema } from './json-mode.js';
import type {
  ChatCompletionRequest,
  ChatMessage,
  ContentPart,
  FunctionCallChoice,
  FunctionDefinition,
  ToolChoice,
} from './openai.types.js';
import { answersInFunctionCall, IMAGE_MEDIA_TYPES, LEADING_USER_TURN, TOOL_CHOICES } from './tables.js';

type Block = Anthropic.ContentBlockParam;
type Turn = { role: 'user' | 'assistant'; content: Block[] } | { role: 'system'; content: Anthropic.TextBlockParam[] };

export interface RequestDefaults {
  /** Used when the client sends neither `max_completion_tokens` nor `max_tokens`. */
  maxTokens: (model: string) => number;
  /** Automatic prompt caching and the TTL of every breakpoint; off when absent. */
  promptCache?: PromptCachePolicy;
  /** Signed thinking the gateway kept for a tool call, for clients that drop it. */
  recallThinking?: (toolCallId: string) => readonly SignedThinking[] | undefined;
}

const NO_CACHE: PromptCachePolicy = { mode: 'off', ttl: '5m' };

/** What a mapping keeps while it walks the messages. */
interface Walk {
  defaults: RequestDefaults;
  cache: PromptCachePolicy;
  /** Breakpoints the client placed (parts, messages, tools, tool calls), counted against the API's limit. */
  breakpoints: number;
  /** Their TTLs: the automatic breakpoint, last, may not outlive any of them. */
  ttls: Set<PromptCacheTtl>;
  /** Legacy function calls not answered yet: name and synthesised id. */
  pendingLegacy: Array<{ name: string; id: string }>;
  /** Each block made → the client's path it came from, for upstream errors that name a block. */
  origins: WeakMap<object, string>;
}

/** For each upstream message, for each of its blocks: the client's path (`messages[2].tool_calls[0]`). */
export type RequestPaths = string[][];

function tag<B extends object>(walk: Walk, block: B, path: string): B {
  walk.origins.set(block, path);
  return block;
}

/**
 * What another endpoint offers Claude beyond the chat form's function tools:
 * Anthropic server tools (the Responses API's web search), offered after the
 * functions, and a choice that forces one of them. Given to the mapper, not
 * patched onto its output, so that the tool choice and the thinking it
 * allows are decided once, over every tool the request offers.
 */
export interface ServerTools {
  tools: Anthropic.ToolUnion[];
  /** Replaces the choice the chat `tool_choice` makes (forcing a server tool, which the chat form cannot name). */
  choice?: Anthropic.ToolChoice;
}

/** OpenAI Chat Completions request → Anthropic Messages request. Pure. */
export function toAnthropicRequest(req: ChatCompletionRequest, defaults: RequestDefaults): MessageRequest {
  return mapRequest(req, defaults).request;
}

/**
 * The request, and where each of its blocks came from in the client's request
 * (`paths`, a getter that walks the blocks when read). Pure.
 */
export function mapRequest(
  req: ChatCompletionRequest,
  defaults: RequestDefaults,
  server?: ServerTools,
): { request: MessageRequest; paths: RequestPaths } {
  refuseUnsupportedOutput(req);
  const walk: Walk = {
    defaults,
    cache: defaults.promptCache ?? NO_CACHE,
    breakpoints: 0,
    ttls: new Set(),
    pendingLegacy: [],
    origins: new WeakMap(),
  };
  const system: Anthropic.TextBlockParam[] = [];
  const turns: Turn[] = [];
  const inPlace = takesMidConversationSystem(req.model);
  let started = false;
  req.messages.forEach((message, i) => {
    if (message.role === 'system' || message.role === 'developer') {
      const blocks = withMessageBreakpoint(systemBlocks(message, i, walk), message, i, walk);
      const previous = turns[turns.length - 1]?.role;
      // Leading instructions are the system prompt; later ones stay where they
      // were written when the model takes them there (directly after a user
      // turn), so the cached prefix before them holds. Elsewhere: hoisted.
      if (started && inPlace && blocks.length > 0 && (previous === 'user' || previous === 'system')) {
        appendTurn(turns, { role: 'system', content: blocks });
      } else system.push(...blocks);
      return;
    }
    started = true;
    const turn = toTurn(message, i, walk);
    withMessageBreakpoint(turn.content, message, i, walk);
    if (turn.content.length > 0) {
      appendTurn(turns, turn);
      return;
    }
    // An empty turn says nothing and the Messages API rejects it, so it is
    // dropped; except a final empty user turn, whose dropping would turn the
    // assistant's last words into a prefill to continue.
    const last = i === req.messages.length - 1;
    if (turn.role === 'user' && last && turns[turns.length - 1]?.role === 'assistant') {
      throw invalidRequest(`messages[${i}].content must not be empty.`, `messages[${i}].content`);
    }
  });
  if (turns.length === 0) {
    throw invalidRequest('messages must contain at least one user or assistant message.', 'messages');
  }
  // The Messages API wants the user to speak first; a chat that opens with the
  // assistant's greeting gets a placeholder user turn before it (see tables.ts).
  if (turns[0].role === 'assistant') turns.unshift({ role: 'user', content: [{ type: 'text', text: LEADING_USER_TURN }] });

  const maxTokens = req.max_completion_tokens ?? req.max_tokens ?? defaults.maxTokens(req.model);
  const params: MessageRequest = {
    model: req.model,
    max_tokens: maxTokens,
    messages: turns as Anthropic.MessageParam[],
  };
  // JSON mode without a schema has nothing to enforce, so it is an instruction (see json-schema.ts).
  if (isJsonMode(req.response_format)) system.push({ type: 'text', text: JSON_MODE_INSTRUCTION });
  if (system.length > 0) params.system = system;
  // `temperature` and `top_p` are accepted from clients (most send one by
  // default) but not forwarded: API version 2026-10-21, which the SDK sends,
  // answers 400 to any sampling parameter at any value.
  if (req.stop != null) params.stop_sequences = typeof req.stop === 'string' ? [req.stop] : req.stop;
  if (req.user) params.metadata = { user_id: req.user };
  const tools: Anthropic.ToolUnion[] = [
    ...(req.tools ?? []).map((t, j) => withCacheControl(toTool(t.function, `tools[${j}].function.parameters`), t, `tools[${j}]`, walk)),
    ...(req.functions ?? []).map((f, j) => toTool(f, `functions[${j}].parameters`)),
  ];
  if (server) tools.push(...server.tools);
  let choice: Anthropic.ToolChoice | undefined;
  if (tools.length > 0) {
    params.tools = tools;
    // A legacy `function_call` answer carries one call: Claude is asked for one at a time.
    const parallel = answersInFunctionCall(req) ? false : req.parallel_tool_calls;
    choice = server?.choice ?? toToolChoice(req.tool_choice ?? legacyChoice(req.function_call), parallel);
    if (choice) params.tool_choice = choice;
  }
  const thinking = thinkingFor(req, maxTokens, params.messages, choice);
  if (thinking.thinking) params.thinking = thinking.thinking;
  const outputConfig = toOutputConfig(req, thinking);
  if (outputConfig) params.output_config = outputConfig;
  const automatic = automaticCacheControl(walk.cache, {
    mode: req.prompt_cache_options?.mode,
    explicitBreakpoints: walk.breakpoints,
    ttls: walk.ttls,
  });
  if (automatic) params.cache_control = automatic;
  return {
    request: params,
    // Read only when upstream refuses a block (a 400): not worked out for every request.
    get paths() {
      return turns.map((turn) => turn.content.map((block) => walk.origins.get(block) ?? ''));
    },
  };
}

/** Output Claude cannot give is refused by name rather than answered without it. */
function refuseUnsupportedOutput(req: ChatCompletionRequest): void {
  if (req.n != null && req.n > 1) {
    throw invalidRequest('n > 1 is not supported: Claude returns one choice per request.', 'n');
  }
  if (req.logprobs === true) {
    throw invalidRequest('logprobs is not supported: Claude does not return token log probabilities.', 'logprobs');
  }
  if (req.top_logprobs != null && req.top_logprobs > 0) {
    throw invalidRequest('top_logprobs is not supported: Claude does not return token log probabilities.', 'top_logprobs');
  }
  if (req.audio != null) {
    throw invalidRequest('audio output is not supported: Claude answers in text only.', 'audio');
  }
  if (req.modalities?.some((m) => m !== 'text')) {
    throw invalidRequest(`modalities ${JSON.stringify(req.modalities)} is not supported: Claude answers in text only.`, 'modalities');
  }
}

/**
 * Thinking for this request: what `reasoning_effort` asks for, except where
 * the API would refuse it. A forced tool choice cannot be combined with
 * thinking; and a tool loop whose opening answer's signed thinking is lost
 * (the client dropped it and the gateway no longer has it) goes on without
 * thinking for this turn rather than failing.
 */
function thinkingFor(
  req: ChatCompletionRequest,
  maxTokens: number,
  turns: Anthropic.MessageParam[],
  choice: Anthropic.ToolChoice | undefined,
): ThinkingParams {
  const wanted = thinkingParams(req.model, req.reasoning_effort, maxTokens);
  if (!isThinkingOn(wanted.thinking)) return wanted;
  const forced = choice?.type === 'any' || choice?.type === 'tool';
  if (!forced && !lacksLoopThinking(turns)) return wanted;
  const off = thinkingOff(req.model);
  return off.thinking ? { thinking: off.thinking, effort: wanted.effort } : { effort: wanted.effort };
}

function systemBlocks(message: ChatMessage, i: number, walk: Walk): Anthropic.TextBlockParam[] {
  const content = message.content;
  if (typeof content === 'string') return content ? [tag(walk, { type: 'text', text: content }, `messages[${i}].content`)] : [];
  return (content ?? []).flatMap((part, j): Anthropic.TextBlockParam[] => {
    if (part.type !== 'text') {
      throw invalidRequest(
        `${message.role} messages may only contain text parts, got '${part.type}'.`,
        `messages[${i}].content[${j}]`,
      );
    }
    const param = `messages[${i}].content[${j}]`;
    return part.text ? [tag(walk, withBreakpoint({ type: 'text', text: part.text }, part, param, walk), param)] : [];
  });
}

/**
 * A part's breakpoint becomes `cache_control` on its block: its own
 * `cache_control` as sent, or `prompt_cache_breakpoint` with the gateway's TTL.
 */
function withBreakpoint<B extends Block>(block: B, part: ContentPart, param: string, walk: Walk): B {
  if (part.cache_control != null) return withCacheControl(block, part, param, walk);
  if (part.prompt_cache_breakpoint == null) return block;
  return placeBreakpoint(block, breakpoint(walk.cache), `${param}.prompt_cache_breakpoint`, walk);
}

/** The client's `cache_control` on a part, tool or tool call (`source`, at `path`), put on what it became. */
function withCacheControl<B extends object>(target: B, source: { cache_control?: unknown }, path: string, walk: Walk): B {
  if (source.cache_control == null) return target;
  const param = `${path}.cache_control`;
  return placeBreakpoint(target, clientBreakpoint(source.cache_control, param), param, walk);
}

/**
 * A message's `cache_control` goes on the last block the message became
 * (its last part, its tool result, its last tool call), unless a part
 * already put one there. The blocks are the mapper's own: changed in place.
 */
function withMessageBreakpoint<B extends Block>(blocks: B[], message: ChatMessage, i: number, walk: Walk): B[] {
  if (message.cache_control == null) return blocks;
  const param = `messages[${i}].cache_control`;
  const control = clientBreakpoint(message.cache_control, param);
  const last = blocks[blocks.length - 1] as (B & { cache_control?: unknown }) | undefined;
  if (last && last.cache_control == null) last.cache_control = placeBreakpoint({}, control, param, walk).cache_control;
  return blocks;
}

/**
 * `cache_control` on a block or tool, counted against the API's limit of
 * four breakpoints per request: the fifth is a 400 naming it, as the API
 * would refuse the request (the automatic breakpoint makes way for the
 * client's own; see prompt-cache.ts).
 */
function placeBreakpoint<B extends object>(
  target: B,
  control: Anthropic.CacheControlEphemeral,
  param: string,
  walk: Walk,
): B & { cache_control: Anthropic.CacheControlEphemeral } {
  walk.breakpoints += 1;
  if (walk.breakpoints > MAX_CACHE_BREAKPOINTS) {
    throw invalidRequest(
      `At most ${MAX_CACHE_BREAKPOINTS} prompt cache breakpoints (cache_control, prompt_cache_breakpoint) are supported per request; this is the ${walk.breakpoints}th.`,
      param,
    );
  }
  walk.ttls.add(control.ttl ?? '5m');
  return { ...target, cache_control: control };
}

function toTurn(message: ChatMessage, i: number, walk: Walk): Turn & { role: 'user' | 'assistant' } {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: contentBlocks(message.content, `messages[${i}].content`, walk) };
    case 'assistant':
      return { role: 'assistant', content: assistantBlocks(message, i, walk) };
    case 'tool':
      return { role: 'user', content: [tag(walk, toToolResult(message, toUpstreamToolId(message.tool_call_id ?? ''), i, walk), `messages[${i}]`)] };
    case 'function':
      return { role: 'user', content: [tag(walk, toToolResult(message, legacyResultId(message, i, walk), i, walk), `messages[${i}]`)] };
    default:
      throw invalidRequest(`Unknown role '${String(message.role)}'.`, `messages[${i}].role`);
  }
}

/**
 * What the model said: its signed thinking first (from the client's fields, or
 * kept by the gateway under the first tool call's id), then text, then calls.
 */
function assistantBlocks(message: ChatMessage, i: number, walk: Walk): Block[] {
  const calls: Block[] = (message.tool_calls ?? []).map((call, j) => {
    const param = `messages[${i}].tool_calls[${j}]`;
    return tag(walk, withCacheControl(toToolUse(call, toUpstreamToolId(call.id), param), call, param, walk), param);
  });
  if (message.function_call) {
    const id = legacyCallId(i);
    walk.pendingLegacy.push({ name: message.function_call.name, id });
    calls.push(tag(walk, toToolUse({ function: message.function_call }, id, `messages[${i}].function_call`), `messages[${i}].function_call`));
  }
  const text = assistantText(message.content, `messages[${i}].content`, walk);
  if (calls.length === 0) return text;
  const fromClient = signedThinkingFrom(message);
  const key = thinkingKey(message);
  const thinking = fromClient.length > 0 || key === undefined ? fromClient : (walk.defaults.recallThinking?.(key) ?? []);
  return [...thinking.map((b) => tag(walk, { ...b }, `messages[${i}]`)), ...text, ...calls];
}

/**
 * The tool calls whose signed thinking `assistantBlocks` would look up: the
 * first call of each assistant message that calls tools and carries no
 * signed thinking of its own. Empty for a request outside a tool loop, which
 * then makes no store call at all.
 */
export function callsAwaitingThinking(messages: readonly ChatMessage[]): string[] {
  const ids: string[] = [];
  for (const message of messages) {
    if (message.role !== 'assistant') continue;
    const key = thinkingKey(message);
    if (key && signedThinkingFrom(message).length === 0) ids.push(key);
  }
  return ids;
}

/**
 * The id an assistant message's kept thinking is found by: its first tool
 * call's, the id the answer that made it was kept under. A legacy
 * `function_call` has none a client sends back, so nothing is looked up for it.
 */
const thinkingKey = (message: ChatMessage): string | undefined => message.tool_calls?.[0]?.id;

/** A legacy `role: "function"` result answers the latest unanswered call of that name. */
function legacyResultId(message: ChatMessage, i: number, walk: Walk): string {
  const at = walk.pendingLegacy.map((p) => p.name).lastIndexOf(message.name ?? '');
  if (at < 0) {
    throw invalidRequest(
      `messages[${i}] answers function '${message.name ?? ''}', but no earlier assistant message called it.`,
      `messages[${i}].name`,
    );
  }
  return walk.pendingLegacy.splice(at, 1)[0].id;
}

function contentBlocks(content: ChatMessage['content'], param: string, walk: Walk): Block[] {
  if (content == null) return [];
  if (typeof content === 'string') return content ? [tag(walk, { type: 'text', text: content }, param)] : [];
  // A loop, one path per part and no list per part: every request with content parts comes through here.
  const blocks: Block[] = [];
  for (let j = 0; j < content.length; j++) {
    const part = content[j];
    const path = `${param}[${j}]`;
    const block = partToBlock(part, path);
    if (block) blocks.push(tag(walk, withBreakpoint(block, part, path, walk), path));
  }
  return blocks;
}

/** Assistant turns carry what the model said: text (and refusals), never images or files. */
function assistantText(content: ChatMessage['content'], param: string, walk: Walk): Block[] {
  if (Array.isArray(content)) {
    content.forEach((part, j) => {
      if (part.type !== 'text' && part.type !== 'refusal') {
        throw invalidRequest(`assistant messages may only contain text parts, got '${part.type}'.`, `${param}[${j}]`);
      }
    });
  }
  return contentBlocks(content, param, walk);
}

/** The block a part becomes; none for an empty text. */
function partToBlock(part: ContentPart, param: string): Block | null {
  switch (part.type) {
    case 'text':
      // The Messages API rejects empty text blocks; OpenAI clients send them freely.
      return part.text ? { type: 'text', text: part.text } : null;
    case 'refusal':
      return part.refusal ? { type: 'text', text: part.refusal } : null;
    case 'image_url':
      return toImage(part.image_url.url, param);
    case 'file':
      return toDocument(part.file.file_data, param);
    default:
      // Unreachable: the DTO validator admits only the part types above.
      return assertNever(part);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}

const DATA_URL = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s;

function toImage(url: string, param: string): Anthropic.ImageBlockParam {
  const data = DATA_URL.exec(url);
  if (data) {
    const mediaType = data[1].toLowerCase();
    if (!(IMAGE_MEDIA_TYPES as readonly string[]).includes(mediaType)) {
      throw invalidRequest(
        `Unsupported image type '${mediaType}'; use one of ${IMAGE_MEDIA_TYPES.join(', ')}.`,
        `${param}.image_url.url`,
      );
    }
    return {
      type: 'image',
      source: { type: 'base64', media_type: mediaType as Anthropic.Base64ImageSource['media_type'], data: data[2] },
    };
  }
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw invalidRequest('image_url.url must be an http(s) URL or a base64 data: URL.', `${param}.image_url.url`);
}

function toDocument(fileData: string | undefined, param: string): Anthropic.DocumentBlockParam {
  const data = fileData ? DATA_URL.exec(fileData) : null;
  if (!data || data[1].toLowerCase() !== 'application/pdf') {
    throw invalidRequest(
      'file parts must carry file_data as a base64 data:application/pdf URL (file_id is not supported).',
      `${param}.file`,
    );
  }
  return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: data[2] } };
}

function toToolUse(call: { function: { name: string; arguments: string } }, id: string, param: string): Anthropic.ToolUseBlockParam {
  return { type: 'tool_use', id, name: call.function.name, input: parseArguments(call.function.arguments, param) };
}

function parseArguments(raw: string, param: string): Record<string, unknown> {
  // Clients send "" for a call without arguments.
  if (raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidRequest(`${param}.function.arguments is not valid JSON.`, `${param}.function.arguments`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw invalidRequest(`${param}.function.arguments must be a JSON object.`, `${param}.function.arguments`);
  }
  return parsed as Record<string, unknown>;
}

function toToolResult(message: ChatMessage, id: string, i: number, walk: Walk): Anthropic.ToolResultBlockParam {
  const content = message.content;
  return {
    type: 'tool_result',
    tool_use_id: id,
    content:
      typeof content === 'string' || content == null
        ? (content ?? '')
        : (contentBlocks(content, `messages[${i}].content`, walk) as Anthropic.ToolResultBlockParam['content']),
  };
}

/**
 * The Messages API wants alternating turns, and tool results at the start of
 * the user turn that follows the tool calls: consecutive same-role turns are
 * merged, results first.
 */
function appendTurn(turns: Turn[], turn: Turn): void {
  const last = turns[turns.length - 1];
  if (!last || last.role !== turn.role) {
    turns.push(turn);
    return;
  }
  (last.content as Block[]).push(...turn.content);
  if (turn.role === 'user') {
    const results = last.content.filter((b) => b.type === 'tool_result');
    if (results.length > 0) last.content = [...results, ...last.content.filter((b) => b.type !== 'tool_result')];
  }
}

function toTool(fn: FunctionDefinition, param: string): Anthropic.Tool {
  const parameters = fn.parameters ?? { type: 'object', properties: {} };
  // Strict tools are held to the schema, so it must be one the API takes.
  const schema = fn.strict ? upstreamSchema(parameters, param) : parameters;
  const out: Anthropic.Tool = { name: fn.name, input_schema: schema as Anthropic.Tool.InputSchema };
  if (fn.description) out.description = fn.description;
  if (fn.strict != null) out.strict = fn.strict;
  return out;
}

function upstreamSchema(schema: Record<string, unknown>, param: string): Record<string, unknown> {
  try {
    return toUpstreamSchema(schema);
  } catch (error) {
    if (error instanceof SchemaError) throw invalidRequest(`${param} is not a schema Claude can use: ${error.message}`, param);
    throw error;
  }
}

/** Legacy `function_call` → the `tool_choice` it means. */
function legacyChoice(choice: FunctionCallChoice | null | undefined): ToolChoice | undefined {
  if (choice == null) return undefined;
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

function toToolChoice(choice: ToolChoice | null | undefined, parallel: boolean | null | undefined): Anthropic.ToolChoice | undefined {
  // Only `auto` is sent unasked, and only to carry `parallel_tool_calls: false`.
  if (choice == null && parallel !== false) return undefined;
  const type = typeof choice === 'object' && choice ? 'tool' : TOOL_CHOICES[choice ?? 'auto'];
  if (type === 'none') return { type };
  const disable = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (type === 'tool') return { type, name: (choice as Exclude<ToolChoice, string>).function.name, ...disable };
  return { type, ...disable };
}

function toOutputConfig(req: ChatCompletionRequest, thinking: ThinkingParams): Anthropic.OutputConfig | undefined {
  const config: Anthropic.OutputConfig = {};
  const held = responseSchema(req.response_format);
  if (held) config.format = { type: 'json_schema', schema: upstreamSchema(held.schema, held.param) };
  if (thinking.effort) config.effort = thinking.effort;
  return Object.keys(config).length > 0 ? config : undefined;
}
