import type { Effort } from '../shared/thinking.js';

/**
 * The subset of OpenAI's Responses API wire format the gateway speaks, written
 * from the API reference (developers.openai.com/api/reference/resources/responses).
 * Plain shapes, apart from the DTOs that validate them, so the pure mappers
 * depend on nothing else.
 */

// ---------------------------------------------------------------------------
// Request

export interface InputText {
  type: 'input_text';
  text: string;
}
export interface InputImage {
  type: 'input_image';
  image_url?: string | null;
  file_id?: string | null;
  detail?: 'auto' | 'low' | 'high';
}
export interface InputFile {
  type: 'input_file';
  file_data?: string;
  file_id?: string | null;
  file_url?: string;
  filename?: string;
}
export interface OutputText {
  type: 'output_text';
  text: string;
  annotations?: unknown[];
  logprobs?: unknown[];
}
export interface Refusal {
  type: 'refusal';
  refusal: string;
}
export type InputContentPart = InputText | InputImage | InputFile | OutputText | Refusal;

export type MessageRole = 'user' | 'assistant' | 'system' | 'developer';

export interface MessageItem {
  type?: 'message';
  id?: string;
  role: MessageRole;
  content: string | InputContentPart[];
  status?: string;
}

export interface FunctionCallItem {
  type: 'function_call';
  id?: string;
  call_id: string;
  name: string;
  /** Set when the function belongs to a `namespace` tool group. */
  namespace?: string;
  arguments: string;
  status?: 'in_progress' | 'completed' | 'incomplete';
}

/** A call of a `custom` (freeform input) tool, such as Codex's `apply_patch`. */
export interface CustomToolCallItem {
  type: 'custom_tool_call';
  id?: string;
  call_id: string;
  name: string;
  namespace?: string;
  input: string;
  status?: 'in_progress' | 'completed' | 'incomplete';
}

export interface CustomToolCallOutputItem {
  type: 'custom_tool_call_output';
  id?: string;
  call_id: string;
  output: string | Array<InputText | InputImage | InputFile>;
}

export interface FunctionCallOutputItem {
  type: 'function_call_output';
  id?: string;
  call_id: string;
  output: string | Array<InputText | InputImage | InputFile>;
}

export interface SummaryText {
  type: 'summary_text';
  text: string;
}

export interface ReasoningItem {
  type: 'reasoning';
  id: string;
  summary: SummaryText[];
  /** Claude's signed thinking, opaque to the client (see `reasoning-codec.ts`). */
  encrypted_content?: string | null;
  status?: 'in_progress' | 'completed' | 'incomplete';
}

export interface WebSearchCallItem {
  type: 'web_search_call';
  id: string;
  status: 'in_progress' | 'searching' | 'completed' | 'failed';
  action: { type: 'search'; query?: string; sources?: Array<{ type: 'url'; url: string }> };
}

export interface ItemReference {
  type: 'item_reference';
  id: string;
}

export type InputItem =
  | MessageItem
  | FunctionCallItem
  | FunctionCallOutputItem
  | CustomToolCallItem
  | CustomToolCallOutputItem
  | ReasoningItem
  | WebSearchCallItem
  | ItemReference
  | { type: string; id?: string };

export interface FunctionToolDef {
  type: 'function';
  name: string;
  description?: string | null;
  parameters?: Record<string, unknown> | null;
  strict?: boolean | null;
}

/** A tool whose input is free text (optionally held to a grammar) rather than JSON arguments. */
export interface CustomToolDef {
  type: 'custom';
  name: string;
  description?: string;
  format?: { type: 'text' } | { type: 'grammar'; syntax?: string; definition?: string } | null;
}

export interface NamespaceToolDef {
  type: 'namespace';
  name: string;
  description?: string;
  tools: Array<FunctionToolDef | CustomToolDef | { type: string; name?: string }>;
}

export interface WebSearchToolDef {
  type: 'web_search' | 'web_search_preview' | 'web_search_2025_08_26' | 'web_search_preview_2025_03_11';
  filters?: { allowed_domains?: string[] | null } | null;
  user_location?: {
    type?: 'approximate';
    city?: string | null;
    country?: string | null;
    region?: string | null;
    timezone?: string | null;
  } | null;
  search_context_size?: 'low' | 'medium' | 'high';
}

export type ToolDef = FunctionToolDef | CustomToolDef | NamespaceToolDef | WebSearchToolDef | { type: string; name?: string };

export type ResponsesToolChoice =
  | 'auto'
  | 'none'
  | 'required'
  | { type: 'function'; name: string; namespace?: string }
  | { type: string; name?: string };

export interface TextFormat {
  type: 'text' | 'json_object' | 'json_schema';
  name?: string;
  schema?: Record<string, unknown>;
  strict?: boolean | null;
  description?: string;
}

export type ReasoningEffortValue = Effort;

export interface ResponsesRequest {
  model: string;
  input?: string | InputItem[];
  instructions?: string | null;
  previous_response_id?: string | null;
  store?: boolean | null;
  stream?: boolean | null;
  background?: boolean | null;
  include?: string[] | null;
  tools?: ToolDef[] | null;
  tool_choice?: ResponsesToolChoice | null;
  parallel_tool_calls?: boolean | null;
  text?: { format?: TextFormat | null; verbosity?: string | null } | null;
  reasoning?: { effort?: ReasoningEffortValue | null; summary?: string | null } | null;
  max_output_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  metadata?: Record<string, string> | null;
  user?: string | null;
  safety_identifier?: string | null;
  prompt_cache_key?: string | null;
}

// ---------------------------------------------------------------------------
// Response

export interface OutputMessage {
  type: 'message';
  id: string;
  role: 'assistant';
  status: 'in_progress' | 'completed' | 'incomplete';
  content: OutputText[];
}

export type OutputItem = OutputMessage | FunctionCallItem | CustomToolCallItem | ReasoningItem | WebSearchCallItem;

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  completed_at?: number | null;
  status: ResponseStatus;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: OutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  store: boolean;
  temperature: number | null;
  text: { format: TextFormat };
  tool_choice: ResponsesToolChoice;
  tools: ToolDef[];
  top_p: number | null;
  truncation: 'disabled';
  usage: ResponseUsage | null;
  user: string | null;
  metadata: Record<string, string>;
  prompt_cache_key?: string | null;
  safety_identifier?: string | null;
}

/** One Responses stream event; `type` and `sequence_number` on every one. */
export interface ResponseStreamEvent {
  type: string;
  sequence_number: number;
  [field: string]: unknown;
}
