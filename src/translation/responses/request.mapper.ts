import type { ChatCompletionRequest, ChatMessage, ContentPart } from '../chat/openai.types.js';
import type { ServerTools } from '../chat/request.mapper.js';
import type { MessageRequest } from '../../upstream/message-request.js';
import { GatewayError, invalidRequest } from '../../common/errors/gateway-error.js';
import { decodeThinking, isOurs } from './reasoning-codec.js';
import type {
  CustomToolCallItem,
  CustomToolCallOutputItem,
  FunctionCallItem,
  FunctionCallOutputItem,
  InputContentPart,
  InputItem,
  MessageItem,
  ReasoningItem,
  ResponsesRequest,
} from './responses.types.js';
import { flatName, planTools, planToolChoice, type ToolOptions, type ToolPlan } from './tool-plan.js';

/**
 * A Responses request is translated in two steps: first into the chat
 * completions form (the gateway's internal form), then by the chat mapper,
 * so roles, images, files, tool calls and results, turn merging, limits and
 * output formats have one translation only. What the chat form has no words
 * for (signed thinking, server tools) rides along beside it. Pure.
 */
export interface ResponsesTranslation {
  params: MessageRequest;
  /**
   * For each upstream message, for each of its blocks: the client's field,
   * for upstream errors that name a block. Worked out only when one does:
   * `withClientPath` calls it for an upstream 400, never for other failures.
   */
  paths: () => string[][];
  tools: ToolPlan;
}

/**
 * The chat translation with the gateway's defaults (TranslationService's
 * `toMessageRequest`), so everything it adds (the `max_tokens` default, and
 * whatever else chat requests get upstream) the Responses API gets too.
 */
export type ChatTranslation = (chat: ChatCompletionRequest, server?: ServerTools) => { request: MessageRequest; paths: string[][] };

/** `history`: the items `previous_response_id` stands for; `input`: this request's own items. */
export interface ResponsesInput {
  history: InputItem[];
  input: InputItem[];
}

export function toAnthropicFromResponses(
  req: ResponsesRequest,
  items: ResponsesInput,
  translateChat: ChatTranslation,
  options: ToolOptions,
): ResponsesTranslation {
  if (req.background) {
    throw invalidRequest('background responses are not supported: send the request without background.', 'background');
  }
  const tools = planTools(req.tools, options);
  const choice = planToolChoice(req.tool_choice, tools);
  const { messages, origins } = toChatMessages(req.instructions, items);
  const format = req.text?.format;
  const chat: ChatCompletionRequest = {
    model: req.model,
    messages,
    max_completion_tokens: req.max_output_tokens,
    user: req.safety_identifier ?? req.user,
    tools: tools.functions,
    tool_choice: choice.chat,
    parallel_tool_calls: req.parallel_tool_calls,
    response_format:
      format?.type === 'json_schema'
        ? { type: 'json_schema', json_schema: { name: format.name ?? 'response', schema: format.schema, strict: format.strict } }
        : format
          ? { type: format.type }
          : undefined,
    reasoning_effort: req.reasoning?.effort,
  };
  // Server tools go in with the functions, so the chat mapper decides the choice (and the thinking it allows) over all of them.
  const server = tools.server.length > 0 ? { tools: tools.server, choice: choice.anthropic } : undefined;
  let translated: ReturnType<ChatTranslation>;
  try {
    translated = translateChat(chat, server);
  } catch (error) {
    throw error instanceof GatewayError && error.status === 400 ? renameError(error, origins, tools.paths) : error;
  }
  const paths = () => translated.paths.map((blocks) => blocks.map((path) => (path ? renamePath(path, origins, tools.paths) : path)));
  return { params: translated.request, paths, tools };
}

/** Where a chat message came from: the input items behind it, so errors name the client's field. */
export interface Origin {
  /** The message as a whole (`input[3]`, `instructions`, `previous_response_id`). */
  message: string;
  /** Chat `content[j]` → the input part it came from (assistant messages gather several items). */
  parts?: string[];
  /** Chat `tool_calls[j]` → the `function_call` item it came from. */
  calls?: string[];
  /** What the input item calls its content (`output` on a `function_call_output`). */
  contentName?: string;
}

/**
 * Input items → chat messages. The items of one assistant turn (reasoning,
 * message, function calls) become one assistant message, thinking first, as
 * the chat form carries a turn; a reasoning item after text or calls opens
 * the next one, so interleaved thinking keeps its place once turns merge.
 */
export function toChatMessages(
  instructions: string | null | undefined,
  items: ResponsesInput,
): { messages: ChatMessage[]; origins: Origin[] } {
  const out = new ChatMessages();
  if (instructions) out.push({ role: 'system', content: instructions }, { message: 'instructions' });
  // Two plain loops, no list of both with their paths: this runs for every request.
  for (const item of items.history) out.add(item, 'previous_response_id');
  for (let i = 0; i < items.input.length; i++) out.add(items.input[i], `input[${i}]`);
  out.close();
  return { messages: out.messages, origins: out.origins };
}

/** The chat messages made so far, and the assistant turn still gathering items. */
class ChatMessages {
  readonly messages: ChatMessage[] = [];
  readonly origins: Origin[] = [];
  private turn: { message: ChatMessage; origin: Origin } | null = null;

  push(message: ChatMessage, origin: Origin): void {
    this.messages.push(message);
    this.origins.push(origin);
  }

  close(): void {
    if (this.turn) this.push(this.turn.message, this.turn.origin);
    this.turn = null;
  }

  /** `param`: the item's path in the client's request (`input[3]`). */
  add(item: InputItem, param: string): void {
    switch (item.type ?? 'message') {
      case 'reasoning': {
        // Without its signed blocks (or with another model's) a reasoning item cannot go back upstream.
        const encrypted = (item as ReasoningItem).encrypted_content;
        if (!encrypted || !isOurs(encrypted)) return;
        const blocks = decodeThinking(encrypted, `${param}.encrypted_content`);
        const open = this.turn?.message;
        if (open && ((open.content as ContentPart[]).length > 0 || open.tool_calls?.length)) this.close();
        const group = this.assistant(param);
        group.message.thinking_blocks = [...((group.message.thinking_blocks as unknown[]) ?? []), ...blocks];
        return;
      }
      case 'function_call': {
        const call = item as FunctionCallItem;
        this.call(param, call.call_id, flatName(call.name, call.namespace), call.arguments);
        return;
      }
      case 'custom_tool_call': {
        // Sent to Claude as the function it was offered as (see tool-plan.ts): `{"input": "..."}`.
        const call = item as CustomToolCallItem;
        this.call(param, call.call_id, flatName(call.name, call.namespace), JSON.stringify({ input: call.input }));
        return;
      }
      case 'web_search_call':
        // The search ran upstream and its answer is in the assistant text; nothing to replay.
        return;
      case 'item_reference':
        throw invalidRequest(`${param} refers to an item this gateway does not hold.`, `${param}.id`);
      case 'message': {
        const message = item as MessageItem;
        if (message.role === 'assistant') return this.assistantText(message, param);
        this.close();
        this.push(fromMessage(message, param), { message: param });
        return;
      }
      case 'function_call_output':
      case 'custom_tool_call_output': {
        this.close();
        const result = item as FunctionCallOutputItem | CustomToolCallOutputItem;
        const content = typeof result.output === 'string' ? result.output : toParts(result.output, param, 'output');
        this.push({ role: 'tool', tool_call_id: result.call_id, content }, { message: param, contentName: 'output' });
        return;
      }
      default:
        throw invalidRequest(`Input items of type '${item.type}' are not supported.`, `${param}.type`);
    }
  }

  private assistant(param: string): { message: ChatMessage; origin: Origin } {
    return (this.turn ??= { message: { role: 'assistant', content: [] }, origin: { message: param, parts: [], calls: [] } });
  }

  private call(param: string, id: string, name: string, args: string): void {
    const group = this.assistant(param);
    (group.message.tool_calls ??= []).push({ id, type: 'function', function: { name, arguments: args } });
    group.origin.calls!.push(param);
  }

  private assistantText(message: MessageItem, param: string): void {
    const group = this.assistant(param);
    const content = group.message.content as ContentPart[];
    if (typeof message.content === 'string') {
      content.push({ type: 'text', text: message.content });
      group.origin.parts!.push(`${param}.content`);
      return;
    }
    for (let k = 0; k < message.content.length; k++) {
      content.push(toPart(message.content[k], param, 'content', k));
      group.origin.parts!.push(`${param}.content[${k}]`);
    }
  }
}

function fromMessage(item: MessageItem, param: string): ChatMessage {
  const content = typeof item.content === 'string' ? item.content : toParts(item.content, param, 'content');
  return { role: item.role, content };
}

function toParts(parts: InputContentPart[], param: string, field: string): ContentPart[] {
  const out: ContentPart[] = [];
  for (let j = 0; j < parts.length; j++) out.push(toPart(parts[j], param, field, j));
  return out;
}

/**
 * Responses content parts → chat content parts, which the chat mapper turns
 * into blocks. The part's path (`input[2].content[1]`) is only spelled out
 * for an error.
 */
function toPart(part: InputContentPart, param: string, field: string, index: number): ContentPart {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: part.text };
    case 'refusal':
      return { type: 'refusal', refusal: part.refusal };
    case 'input_image':
      if (!part.image_url) {
        throw invalidRequest('input_image needs image_url (a URL or a data: URL); file_id is not supported.', partPath(param, field, index, '.image_url'));
      }
      return { type: 'image_url', image_url: { url: part.image_url } };
    case 'input_file':
      if (!part.file_data) {
        throw invalidRequest(
          'input_file needs file_data as a base64 data:application/pdf URL; file_id and file_url are not supported.',
          partPath(param, field, index, '.file_data'),
        );
      }
      return { type: 'file', file: { file_data: part.file_data, filename: part.filename } };
    default:
      throw invalidRequest(`Unsupported content part type '${(part as { type: string }).type}'.`, partPath(param, field, index, '.type'));
  }
}

function partPath(param: string, field: string, index: number, suffix: string): string {
  return `${param}.${field}[${index}]${suffix}`;
}

/** Chat field names inside a part or call → the Responses names for the same thing. */
const FIELD_NAMES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^\.function\.arguments/, '.arguments'],
  [/^\.function\.name/, '.name'],
  [/^\.function$/, ''],
  [/^\.image_url\.url/, '.image_url'],
  [/^\.file$/, '.file_data'],
];
const rename = (rest: string) => FIELD_NAMES.reduce((out, [from, to]) => out.replace(from, to), rest);

/**
 * A chat path (`messages[4].tool_calls[0].function.arguments`,
 * `tools[1].function.parameters`) → the client's (`input[6].arguments`,
 * `tools[2].tools[0].parameters`); `toolPaths` is the tool plan's.
 */
export function renamePath(path: string, origins: Origin[], toolPaths: readonly string[] = []): string {
  if (path === 'messages') return 'input';
  const tool = /^tools\[(\d+)\]\.function(.*)$/.exec(path);
  if (tool && toolPaths[Number(tool[1])]) return toolPaths[Number(tool[1])] + tool[2];
  const found = /^messages\[(\d+)\](.*)$/.exec(path);
  const origin = found ? origins[Number(found[1])] : undefined;
  if (!found || !origin) return path;
  const rest = found[2];
  const call = /^\.tool_calls\[(\d+)\](.*)$/.exec(rest);
  if (call && origin.calls?.[Number(call[1])]) return origin.calls[Number(call[1])] + rename(call[2]);
  const part = /^\.content\[(\d+)\](.*)$/.exec(rest);
  if (part) {
    const base = origin.parts?.[Number(part[1])] ?? `${origin.message}.${origin.contentName ?? 'content'}[${part[1]}]`;
    return base + rename(part[2]);
  }
  if (rest.startsWith('.content') && origin.contentName) return `${origin.message}.${origin.contentName}${rest.slice(8)}`;
  return origin.message + rename(rest);
}

function renameError(error: GatewayError, origins: Origin[], toolPaths: readonly string[]): GatewayError {
  if (!error.param) return error;
  const param = renamePath(error.param, origins, toolPaths);
  if (param === error.param) return error;
  return invalidRequest(error.message.replaceAll(error.param, param), param, error.code);
}
