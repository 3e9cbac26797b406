import type Anthropic from '@anthropic-ai/sdk';
import type { ChatCompletionRequest, FinishReason, ToolChoice } from './openai.types.js';

/** Anthropic `stop_reason` → OpenAI `finish_reason`, for both the JSON and the streaming path. */
export const FINISH_REASONS: Record<Anthropic.StopReason, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

export function finishReason(stop: Anthropic.StopReason | null | undefined): FinishReason {
  return (stop && FINISH_REASONS[stop]) || 'stop';
}

/**
 * Whether the answer carries a call as a legacy `function_call` (with
 * `finish_reason: "function_call"`) rather than `tool_calls`: when the request
 * offered its functions the legacy way, as OpenAI answers it.
 */
export function answersInFunctionCall(req: Pick<ChatCompletionRequest, 'functions' | 'tools'>): boolean {
  return (req.functions?.length ?? 0) > 0 && !(req.tools?.length);
}

/**
 * The user turn put before a conversation that opens with the assistant (a
 * chat UI's greeting): the Messages API answers 400 "first message must use
 * the user role". LiteLLM does the same (`modify_params`), with this text.
 */
export const LEADING_USER_TURN = '.';

/** OpenAI's named `tool_choice` modes → Anthropic `tool_choice.type`; a `{function:{name}}` choice is `tool`. */
export const TOOL_CHOICES: Record<Extract<ToolChoice, string>, Anthropic.ToolChoice['type']> = {
  auto: 'auto',
  none: 'none',
  required: 'any',
};

/** Media types the Messages API accepts for base64 images. */
export const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;

/**
 * The largest output each model generation documents for the synchronous
 * Messages API (models overview, checked 2026-11). OpenAI clients that send no
 * limit expect the model's whole budget, and the Messages API requires one.
 * First match wins; anything newer than this table gets the newest budget.
 */
export const MAX_OUTPUT_TOKENS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^claude-(opus|sonnet|haiku)-4-5/, 64_000],
  [/^claude-opus-4-1|^claude-opus-4-0|^claude-opus-4-2025/, 32_000],
  [/^claude-sonnet-4-0|^claude-sonnet-4-2025|^claude-3-7/, 64_000],
  [/^claude-3-5/, 8_192],
  [/^claude-3-/, 4_096],
];
export const NEWEST_MAX_OUTPUT_TOKENS = 128_000;

export function defaultMaxTokens(model: string): number {
  for (const [pattern, tokens] of MAX_OUTPUT_TOKENS) if (pattern.test(model)) return tokens;
  return NEWEST_MAX_OUTPUT_TOKENS;
}
