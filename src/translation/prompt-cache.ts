import type Anthropic from '@anthropic-ai/sdk';

/**
 * Prompt caching. The Messages API caches a request's prefix up to each
 * breakpoint; its top-level `cache_control` ("automatic caching") puts one on
 * the last cacheable block and moves it forward as a conversation grows, so
 * every agent turn reads the turns before it at a tenth of the input price.
 * OpenAI clients ask for caching their own way (`prompt_cache_options`,
 * per-part `prompt_cache_breakpoint`); this maps both. Pure.
 */

export const PROMPT_CACHE_MODES = ['auto', 'off'] as const;
export const PROMPT_CACHE_TTLS = ['5m', '1h'] as const;
export type PromptCacheMode = (typeof PROMPT_CACHE_MODES)[number];
export type PromptCacheTtl = (typeof PROMPT_CACHE_TTLS)[number];

export interface PromptCachePolicy {
  mode: PromptCacheMode;
  ttl: PromptCacheTtl;
}

/** The API's limit on breakpoints per request, the automatic one included. */
export const MAX_CACHE_BREAKPOINTS = 4;

/** What the client asked for: OpenAI's `prompt_cache_options.mode` (`explicit` = no implicit breakpoint). */
export interface ClientCacheRequest {
  mode?: 'implicit' | 'explicit' | null;
  /** Breakpoints the client placed on content parts. */
  explicitBreakpoints: number;
}

export function breakpoint(policy: PromptCachePolicy): Anthropic.CacheControlEphemeral {
  return policy.ttl === '5m' ? { type: 'ephemeral' } : { type: 'ephemeral', ttl: policy.ttl };
}

/**
 * The request's top-level `cache_control`, or undefined: none when caching is
 * off, when the client asked for explicit breakpoints only, or when its own
 * breakpoints already use every slot.
 */
export function automaticCacheControl(policy: PromptCachePolicy, client: ClientCacheRequest): Anthropic.CacheControlEphemeral | undefined {
  if (policy.mode === 'off' || client.mode === 'explicit') return undefined;
  if (client.explicitBreakpoints >= MAX_CACHE_BREAKPOINTS) return undefined;
  return breakpoint(policy);
}
