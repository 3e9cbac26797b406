import type { Counted, RateLimitReading } from './rate-limits.js';

/**
 * OpenAI's rate-limit headers, from the limits of the credential that served:
 * `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`, the reset as
 * OpenAI writes it (a duration: `1s`, `6m0s`, `20ms`). Only what upstream
 * told: a subscription, which reports windows rather than counts, gets none.
 */
export function openAiRateLimitHeaders(reading: RateLimitReading | undefined, now = Date.now()): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!reading) return headers;
  put(headers, 'requests', reading.documented.requests, now);
  put(headers, 'tokens', reading.documented.tokens, now);
  return headers;
}

function put(headers: Record<string, string>, kind: 'requests' | 'tokens', counted: Counted | undefined, now: number): void {
  if (!counted) return;
  if (counted.limit !== undefined) headers[`x-ratelimit-limit-${kind}`] = String(Math.floor(counted.limit));
  if (counted.remaining !== undefined) headers[`x-ratelimit-remaining-${kind}`] = String(Math.floor(counted.remaining));
  if (counted.resetAt !== undefined) headers[`x-ratelimit-reset-${kind}`] = openAiDuration(counted.resetAt - now);
}

/** A duration the way OpenAI's headers write one: `17ms`, `1s`, `1.5s`, `6m0s`, `1h2m3s`. */
export function openAiDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  if (total < 1000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = (total % 60_000) / 1000;
  const s = `${Number(seconds.toFixed(3))}s`;
  if (hours > 0) return `${hours}h${minutes}m${s}`;
  if (minutes > 0) return `${minutes}m${s}`;
  return s;
}
