import type Anthropic from '@anthropic-ai/sdk';
import { invalidRequest } from '../../common/gateway-error.js';
import type { MessageRequest } from '../../upstream/message-request.js';
import type {
  ChatCompletionRequest,
  ChatMessage,
  ContentPart,
  FunctionTool,
  ToolChoice,
} from './openai.types.js';
import { EFFORTS, IMAGE_MEDIA_TYPES, TOOL_CHOICES } from './tables.js';

type Block = Anthropic.ContentBlockParam;
type Turn = { role: 'user' | 'assistant'; content: Block[] };

export interface RequestDefaults {
  /** Used when the client sends neither `max_completion_tokens` nor `max_tokens`. */
  maxTokens: (model: string) => number;
}

/** OpenAI Chat Completions request → Anthropic Messages request. Pure. */
export function toAnthropicRequest(
  req: ChatCompletionRequest,
  defaults: RequestDefaults,
): MessageRequest {
  if (req.n != null && req.n > 1) {
    throw invalidRequest('n > 1 is not supported: Claude returns one choice per request.', 'n');
  }
  const system: Anthropic.TextBlockParam[] = [];
  const turns: Turn[] = [];
  req.messages.forEach((message, i) => {
    if (message.role === 'system' || message.role === 'developer') {
      system.push(...systemBlocks(message, i));
      return;
    }
    const turn = toTurn(message, i);
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

  const params: MessageRequest = {
    model: req.model,
    max_tokens: req.max_completion_tokens ?? req.max_tokens ?? defaults.maxTokens(req.model),
    messages: turns,
  };
  if (system.length > 0) params.system = system;
  // `temperature` and `top_p` are accepted from clients (most send one by
  // default) but not forwarded: API version 2026-10-21, which the SDK sends,
  // answers 400 to any sampling parameter at any value.
  if (req.stop != null) params.stop_sequences = typeof req.stop === 'string' ? [req.stop] : req.stop;
  if (req.user) params.metadata = { user_id: req.user };
  if (req.tools?.length) {
    params.tools = req.tools.map(toTool);
    const choice = toToolChoice(req.tool_choice, req.parallel_tool_calls);
    if (choice) params.tool_choice = choice;
  }
  const outputConfig = toOutputConfig(req);
  if (outputConfig) params.output_config = outputConfig;
  return params;
}

function systemBlocks(message: ChatMessage, i: number): Anthropic.TextBlockParam[] {
  const content = message.content;
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  return (content ?? []).flatMap((part, j): Anthropic.TextBlockParam[] => {
    if (part.type !== 'text') {
      throw invalidRequest(
        `${message.role} messages may only contain text parts, got '${part.type}'.`,
        `messages[${i}].content[${j}]`,
      );
    }
    return part.text ? [{ type: 'text', text: part.text }] : [];
  });
}

function toTurn(message: ChatMessage, i: number): Turn {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: contentBlocks(message.content, `messages[${i}].content`) };
    case 'assistant':
      return {
        role: 'assistant',
        content: [
          ...assistantText(message.content, `messages[${i}].content`),
          ...(message.tool_calls ?? []).map((call, j) => toToolUse(call, `messages[${i}].tool_calls[${j}]`)),
        ],
      };
    case 'tool':
      return { role: 'user', content: [toToolResult(message, i)] };
    default:
      throw invalidRequest(`Unknown role '${String(message.role)}'.`, `messages[${i}].role`);
  }
}

function contentBlocks(content: ChatMessage['content'], param: string): Block[] {
  if (content == null) return [];
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  return content.flatMap((part, j): Block[] => partToBlocks(part, `${param}[${j}]`));
}

/** Assistant turns carry what the model said: text (and refusals), never images or files. */
function assistantText(content: ChatMessage['content'], param: string): Block[] {
  if (Array.isArray(content)) {
    content.forEach((part, j) => {
      if (part.type !== 'text' && part.type !== 'refusal') {
        throw invalidRequest(`assistant messages may only contain text parts, got '${part.type}'.`, `${param}[${j}]`);
      }
    });
  }
  return contentBlocks(content, param);
}

function partToBlocks(part: ContentPart, param: string): Block[] {
  switch (part.type) {
    case 'text':
      // The Messages API rejects empty text blocks; OpenAI clients send them freely.
      return part.text ? [{ type: 'text', text: part.text }] : [];
    case 'refusal':
      return part.refusal ? [{ type: 'text', text: part.refusal }] : [];
    case 'image_url':
      return [toImage(part.image_url.url, param)];
    case 'file':
      return [toDocument(part.file.file_data, param)];
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

function toToolUse(call: NonNullable<ChatMessage['tool_calls']>[number], param: string): Anthropic.ToolUseBlockParam {
  return { type: 'tool_use', id: call.id, name: call.function.name, input: parseArguments(call.function.arguments, param) };
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

function toToolResult(message: ChatMessage, i: number): Anthropic.ToolResultBlockParam {
  const content = message.content;
  return {
    type: 'tool_result',
    tool_use_id: message.tool_call_id ?? '',
    content:
      typeof content === 'string' || content == null
        ? (content ?? '')
        : (contentBlocks(content, `messages[${i}].content`) as Anthropic.ToolResultBlockParam['content']),
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
  last.content.push(...turn.content);
  if (turn.role === 'user') {
    const results = last.content.filter((b) => b.type === 'tool_result');
    if (results.length > 0) last.content = [...results, ...last.content.filter((b) => b.type !== 'tool_result')];
  }
}

function toTool(tool: FunctionTool): Anthropic.Tool {
  const out: Anthropic.Tool = {
    name: tool.function.name,
    input_schema: (tool.function.parameters as Anthropic.Tool.InputSchema) ?? { type: 'object', properties: {} },
  };
  if (tool.function.description) out.description = tool.function.description;
  if (tool.function.strict != null) out.strict = tool.function.strict;
  return out;
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

function toOutputConfig(req: ChatCompletionRequest): Anthropic.OutputConfig | undefined {
  const config: Anthropic.OutputConfig = {};
  const schema = req.response_format?.type === 'json_schema' ? req.response_format.json_schema?.schema : undefined;
  if (schema) config.format = { type: 'json_schema', schema };
  const effort = req.reasoning_effort ? EFFORTS[req.reasoning_effort] : undefined;
  if (effort) config.effort = effort;
  return Object.keys(config).length > 0 ? config : undefined;
}
