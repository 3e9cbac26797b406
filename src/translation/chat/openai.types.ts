/**
 * The subset of OpenAI's Chat Completions wire format the gateway speaks,
 * written from the API reference. Kept apart from the DTOs (which validate)
 * so the pure mappers depend on plain shapes only.
 */
import type { Effort, ReasoningDetail, SignedThinking } from '../shared/thinking.js';

export type ChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';

/** On a content part: cache the prompt up to and including this part. */
export interface PromptCacheBreakpoint {
  mode: 'explicit';
}

/**
 * Anthropic's breakpoint as LiteLLM, OpenRouter, Portkey and opencode carry it
 * in the chat form: on a message, a content part, a tool or a tool call.
 */
export interface CacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

export interface TextPart {
  type: 'text';
  text: string;
  prompt_cache_breakpoint?: PromptCacheBreakpoint;
  cache_control?: CacheControl | null;
}

export interface ImageUrlPart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
  prompt_cache_breakpoint?: PromptCacheBreakpoint;
  cache_control?: CacheControl | null;
}

export interface FilePart {
  type: 'file';
  file: { file_data?: string; file_id?: string; filename?: string };
  prompt_cache_breakpoint?: PromptCacheBreakpoint;
  cache_control?: CacheControl | null;
}

export interface RefusalPart {
  type: 'refusal';
  refusal: string;
  prompt_cache_breakpoint?: PromptCacheBreakpoint;
  cache_control?: CacheControl | null;
}

export type ContentPart = TextPart | ImageUrlPart | FilePart | RefusalPart;

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
  cache_control?: CacheControl | null;
}

export interface ChatMessage {
  role: ChatRole;
  content?: string | ContentPart[] | null;
  /** On `role: "function"` (legacy): the function whose result this is. */
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
  /** Legacy single function call on an assistant message. */
  function_call?: { name: string; arguments: string } | null;
  /** Signed thinking as OpenRouter carries it (`reasoning.text` / `reasoning.encrypted`). */
  reasoning_details?: unknown[] | null;
  /** Signed thinking as LiteLLM carries it (Anthropic's own blocks). */
  thinking_blocks?: unknown[] | null;
  /** A breakpoint on the message: on the last block it becomes. */
  cache_control?: CacheControl | null;
}

export interface FunctionTool {
  type: 'function';
  function: {
    name: string;
    description?: string;
    parameters?: Record<string, unknown>;
    strict?: boolean | null;
  };
  cache_control?: CacheControl | null;
}

export type ToolChoice =
  | 'auto'
  | 'none'
  | 'required'
  | { type: 'function'; function: { name: string } };

export interface ResponseFormat {
  type: 'text' | 'json_object' | 'json_schema';
  json_schema?: { name: string; schema?: Record<string, unknown>; strict?: boolean | null };
  /** On `json_object`: the schema, as some providers and instructor's JSON_SCHEMA mode send it. */
  schema?: Record<string, unknown>;
}

export type ReasoningEffort = Effort;

/** Legacy `functions[]` entry: a tool without the `{type, function}` wrapper. */
export type FunctionDefinition = FunctionTool['function'];
export type FunctionCallChoice = 'none' | 'auto' | { name: string };

export interface ChatCompletionRequest {
  model: string;
  messages: ChatMessage[];
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  stop?: string | string[] | null;
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  tools?: FunctionTool[] | null;
  tool_choice?: ToolChoice | null;
  parallel_tool_calls?: boolean | null;
  user?: string | null;
  n?: number | null;
  response_format?: ResponseFormat | null;
  reasoning_effort?: ReasoningEffort | null;
  functions?: FunctionDefinition[] | null;
  function_call?: FunctionCallChoice | null;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  audio?: Record<string, unknown> | null;
  modalities?: string[] | null;
  prompt_cache_key?: string | null;
  prompt_cache_options?: { mode?: 'implicit' | 'explicit' | null; ttl?: string | null } | null;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'function_call' | 'content_filter';

/** A legacy function call as the answer carries it (instead of `tool_calls`). */
export interface FunctionCall {
  name: string;
  arguments: string;
}

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

export interface AssistantMessage {
  role: 'assistant';
  content: string | null;
  refusal: null;
  tool_calls?: ToolCall[];
  /** To a request that offered legacy `functions`: the one call, in their shape. */
  function_call?: FunctionCall;
  /** Not in OpenAI's schema; the de-facto field (DeepSeek, vLLM, LiteLLM) for thinking text. */
  reasoning_content?: string;
  /** Signed thinking, for clients that send it back (OpenRouter's field). */
  reasoning_details?: ReasoningDetail[];
  /** Signed thinking, for clients that send it back (LiteLLM's field). */
  thinking_blocks?: SignedThinking[];
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: AssistantMessage;
    logprobs: null;
    finish_reason: FinishReason;
  }>;
  usage: CompletionUsage;
}

export interface ChunkToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function: { name?: string; arguments: string };
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: {
      role?: 'assistant';
      content?: string;
      reasoning_content?: string;
      reasoning_details?: ReasoningDetail[];
      thinking_blocks?: SignedThinking[];
      tool_calls?: ChunkToolCallDelta[];
      function_call?: { name?: string; arguments: string };
    };
    logprobs: null;
    finish_reason: FinishReason | null;
  }>;
  usage?: CompletionUsage | null;
}
