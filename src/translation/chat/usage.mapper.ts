import type Anthropic from '@anthropic-ai/sdk';
import type { CompletionUsage } from './openai.types.js';

export type UsageLike = Pick<Anthropic.Usage, 'input_tokens' | 'output_tokens'> &
  Partial<Pick<Anthropic.Usage, 'cache_creation_input_tokens' | 'cache_read_input_tokens' | 'output_tokens_details'>>;

/**
 * OpenAI counts every prompt token, cached or not; Anthropic splits them three
 * ways. Cache reads are OpenAI's `cached_tokens`; cache writes, which cost more
 * than plain input, are reported as `cache_write_tokens` (OpenAI's name for them).
 */
export function toUsage(usage: UsageLike): CompletionUsage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  const prompt = usage.input_tokens + cacheWrite + cacheRead;
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.output_tokens,
    total_tokens: prompt + usage.output_tokens,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_write_tokens: cacheWrite },
    completion_tokens_details: { reasoning_tokens: usage.output_tokens_details?.thinking_tokens ?? 0 },
  };
}
