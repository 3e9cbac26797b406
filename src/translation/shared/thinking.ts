import type Anthropic from '@anthropic-ai/sdk';

/**
 * Thinking, as OpenAI clients ask for it (`reasoning_effort`) and as they carry
 * it back (`reasoning_details`, `thinking_blocks`), against what each Claude
 * family accepts. Pure functions and tables; no names tied to one OpenAI API,
 * so Chat Completions and Responses share them.
 */

/** OpenAI's reasoning efforts, on both APIs: the DTOs accept these and no others. */
export const EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'] as const;
export type Effort = (typeof EFFORTS)[number];
export type SignedThinking = Anthropic.ThinkingBlockParam | Anthropic.RedactedThinkingBlockParam;

interface ThinkingFamily {
  pattern: RegExp;
  /** Takes `thinking: {type: "adaptive"}` + `output_config.effort`; otherwise `enabled` with a token budget. */
  adaptive: boolean;
  /** How to turn thinking off; null where the model cannot (then it is steered down with effort `low`). */
  off: Anthropic.ThinkingConfigParam | null;
  /** The efforts the model takes, when not all: a higher one is lowered to the highest it takes. */
  efforts?: readonly AnthropicEffort[];
}

type AnthropicEffort = NonNullable<Anthropic.OutputConfig['effort']>;
/** Anthropic's effort levels, lowest first. */
export const EFFORT_ORDER: readonly AnthropicEffort[] = ['low', 'medium', 'high', 'xhigh', 'max'];

/**
 * Claude families and their thinking controls (Adaptive thinking, Effort, and
 * the 5.5 migration notes, 2026-11): Opus 5.5, Fable and Mythos only think
 * adaptively and answer 400 to `disabled`; Sonnet 5.5 turns up-front thinking off
 * with `between_tools`; 4.5 and older need a budget. First match wins; unknown
 * (newer) ids are treated as adaptive models that cannot turn thinking off.
 */
export const THINKING_FAMILIES: readonly ThinkingFamily[] = [
  { pattern: /^claude-opus-5-5/, adaptive: true, off: null },
  { pattern: /^claude-sonnet-5-5/, adaptive: true, off: { type: 'between_tools' } },
  { pattern: /^claude-(fable|mythos)-/, adaptive: true, off: null },
  // The 4.6 models predate `xhigh`; `max` came with Opus 4.6 only.
  { pattern: /^claude-opus-4-6/, adaptive: true, off: { type: 'disabled' }, efforts: ['low', 'medium', 'high', 'max'] },
  { pattern: /^claude-sonnet-4-6/, adaptive: true, off: { type: 'disabled' }, efforts: ['low', 'medium', 'high'] },
  { pattern: /^claude-(opus|sonnet)-(5|4-[6-9])/, adaptive: true, off: { type: 'disabled' } },
  { pattern: /^claude-(opus|sonnet|haiku)-4|^claude-3-7/, adaptive: false, off: { type: 'disabled' } },
];
const NEWER: ThinkingFamily = { pattern: /./, adaptive: true, off: null };

export function thinkingFamily(model: string): ThinkingFamily {
  return THINKING_FAMILIES.find((f) => f.pattern.test(model)) ?? NEWER;
}

/** OpenAI's effort scale → Anthropic's effort, and the budget for models that need one. */
export const EFFORT_LEVELS: Record<Exclude<Effort, 'none'>, { effort: AnthropicEffort; budget: number }> = {
  minimal: { effort: 'low', budget: 1024 },
  low: { effort: 'low', budget: 2048 },
  medium: { effort: 'medium', budget: 8192 },
  high: { effort: 'high', budget: 16_384 },
  xhigh: { effort: 'xhigh', budget: 32_000 },
  max: { effort: 'max', budget: 32_000 },
};

/** The smallest budget the API takes for manual thinking. */
export const MIN_THINKING_BUDGET = 1024;

export interface ThinkingParams {
  thinking?: Anthropic.ThinkingConfigParam;
  effort?: Anthropic.OutputConfig['effort'];
}

/**
 * `reasoning_effort` → `thinking` and `output_config.effort` for this model.
 * Thinking asks for `display: "summarized"` so its text can be shown as
 * `reasoning_content` (some models default to `omitted`).
 */
export function thinkingParams(model: string, effort: Effort | null | undefined, maxTokens: number): ThinkingParams {
  if (!effort) return {};
  if (effort === 'none') return thinkingOff(model);
  const family = thinkingFamily(model);
  const level = EFFORT_LEVELS[effort];
  if (family.adaptive) return { thinking: { type: 'adaptive', display: 'summarized' }, effort: supportedEffort(family, level.effort) };
  // The budget must stay below max_tokens; with too little room there is no thinking at all.
  const budget = Math.min(level.budget, maxTokens - 1);
  return budget >= MIN_THINKING_BUDGET ? { thinking: { type: 'enabled', budget_tokens: budget } } : {};
}

function supportedEffort(family: ThinkingFamily, effort: AnthropicEffort): AnthropicEffort {
  const takes = family.efforts;
  if (!takes || takes.includes(effort)) return effort;
  const lower = EFFORT_ORDER.slice(0, EFFORT_ORDER.indexOf(effort)).filter((e) => takes.includes(e));
  return lower[lower.length - 1] ?? takes[0];
}

/** Thinking off, as far as the model allows. */
export function thinkingOff(model: string): ThinkingParams {
  const { off } = thinkingFamily(model);
  return off ? { thinking: off } : { effort: 'low' };
}

export function isThinkingOn(thinking: Anthropic.ThinkingConfigParam | undefined): boolean {
  return thinking?.type === 'adaptive' || thinking?.type === 'enabled';
}

type Turn = Anthropic.MessageParam;
const blocks = (turn: Turn): Anthropic.ContentBlockParam[] =>
  typeof turn.content === 'string' ? [{ type: 'text', text: turn.content }] : (turn.content as Anthropic.ContentBlockParam[]);
const hasToolResult = (turn: Turn) => turn.role === 'user' && blocks(turn).some((b) => b.type === 'tool_result');

/**
 * With thinking on, the Messages API wants the assistant message that opened
 * the current tool loop to start with its signed thinking block. True when the
 * request continues a tool loop whose opening message has none.
 */
export function lacksLoopThinking(turns: readonly Turn[]): boolean {
  const last = turns[turns.length - 1];
  if (!last || !hasToolResult(last)) return false;
  let turnStart = -1;
  turns.forEach((t, i) => {
    if (t.role === 'user' && !hasToolResult(t)) turnStart = i;
  });
  const opener = turns.find((t, i) => i > turnStart && t.role === 'assistant');
  const first = opener ? blocks(opener)[0] : undefined;
  return opener !== undefined && first?.type !== 'thinking' && first?.type !== 'redacted_thinking';
}

// ---------------------------------------------------------------------------
// The message fields clients use to carry signed thinking. OpenRouter's
// `reasoning_details` (`reasoning.text` with a signature, `reasoning.encrypted`)
// and LiteLLM's `thinking_blocks` (Anthropic's own blocks) are the two in use;
// the gateway reads both and writes both.

export const ANTHROPIC_REASONING_FORMAT = 'anthropic-claude-v1';

export interface ReasoningDetail {
  type: 'reasoning.text' | 'reasoning.encrypted' | 'reasoning.summary' | string;
  text?: string;
  signature?: string | null;
  data?: string;
  format?: string;
  index?: number;
}

/** Signed blocks from an assistant message's `reasoning_details` or `thinking_blocks`; unsigned text cannot be replayed. */
export function signedThinkingFrom(message: { reasoning_details?: unknown; thinking_blocks?: unknown }): SignedThinking[] {
  const out: SignedThinking[] = [];
  for (const detail of asArray(message.thinking_blocks)) {
    if (detail.type === 'thinking' && typeof detail.thinking === 'string' && typeof detail.signature === 'string' && detail.signature) {
      out.push({ type: 'thinking', thinking: detail.thinking, signature: detail.signature });
    } else if (detail.type === 'redacted_thinking' && typeof detail.data === 'string') {
      out.push({ type: 'redacted_thinking', data: detail.data });
    }
  }
  if (out.length > 0) return out;
  for (const detail of asArray(message.reasoning_details)) {
    if (detail.format !== undefined && detail.format !== ANTHROPIC_REASONING_FORMAT) continue;
    if (detail.type === 'reasoning.text' && typeof detail.signature === 'string' && detail.signature) {
      out.push({ type: 'thinking', thinking: typeof detail.text === 'string' ? detail.text : '', signature: detail.signature });
    } else if (detail.type === 'reasoning.encrypted' && typeof detail.data === 'string') {
      out.push({ type: 'redacted_thinking', data: detail.data });
    }
  }
  return out;
}

export function toReasoningDetails(thinking: readonly SignedThinking[]): ReasoningDetail[] {
  return thinking.map((block, index) =>
    block.type === 'thinking'
      ? { type: 'reasoning.text', text: block.thinking, signature: block.signature, format: ANTHROPIC_REASONING_FORMAT, index }
      : { type: 'reasoning.encrypted', data: block.data, format: ANTHROPIC_REASONING_FORMAT, index },
  );
}

export function toThinkingBlocks(thinking: readonly SignedThinking[]): SignedThinking[] {
  return thinking.map((block) => ({ ...block }));
}

function asArray(value: unknown): Array<Record<string, any>> {
  return Array.isArray(value) ? value.filter((v): v is Record<string, any> => v !== null && typeof v === 'object') : [];
}
