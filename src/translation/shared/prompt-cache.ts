import type Anthropic from '@anthropic-ai/sdk';
import { invalidRequest } from '../../common/errors/gateway-error.js';

/**
 * Prompt caching. The Messages API caches a request's prefix up to each
 * breakpoint; its top-level `cache_control` ("automatic caching") puts one on
 * the last cacheable block and moves it forward as a conversation grows, so
 * every agent turn reads the turns before it at a tenth of the input price.
 * OpenAI clients ask for caching their own way (`prompt_cache_options`,
 * per-part `prompt_cache_breakpoint`), or in Anthropic's own words
 * (`cache_control` on a message, part, tool or tool call, as LiteLLM,
 * OpenRouter and opencode send it); this maps all of them. Pure.
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
  /** Breakpoints the client placed (on parts, messages, tools, tool calls). */
  explicitBreakpoints: number;
  /** The TTLs of those breakpoints. */
  ttls?: ReadonlySet<PromptCacheTtl>;
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
  // The automatic breakpoint is the last one, and the API wants a 1h breakpoint
  // never after a 5m one: with any 5m breakpoint of the client's, it is 5m too.
  return breakpoint(client.ttls?.has('5m') ? { ...policy, ttl: '5m' } : policy);
}

/**
 * A client's `cache_control` (`{type: "ephemeral", ttl?: "5m" | "1h"}`) → the
 * block's, or a 400 naming the field. `param`: the field's path.
 */
export function clientBreakpoint(value: unknown, param: string): Anthropic.CacheControlEphemeral & { ttl?: PromptCacheTtl } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidRequest(`${param} must be an object such as {"type": "ephemeral"}.`, param);
  }
  const { type, ttl } = value as Record<string, unknown>;
  if (type !== 'ephemeral') throw invalidRequest(`${param}.type must be 'ephemeral'.`, `${param}.type`);
  if (ttl == null) return { type };
  if (!(PROMPT_CACHE_TTLS as readonly unknown[]).includes(ttl)) {
    throw invalidRequest(`${param}.ttl must be one of ${PROMPT_CACHE_TTLS.join(', ')}.`, `${param}.ttl`);
  }
  return { type, ttl: ttl as PromptCacheTtl };
}
