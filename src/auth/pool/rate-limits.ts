/**
 * What one upstream answer says about its credential's limits, read from its
 * headers. Pure: a table of names and a few parsers, for every answer,
 * success or error, and for whichever door received it.
 *
 * Documented (Console API keys): `anthropic-ratelimit-{kind}-{limit,remaining,reset}`
 * (reset an RFC 3339 time) and `retry-after` (seconds).
 * Undocumented (subscriptions, read as Claude Code reads them; see
 * docs/credentials.md): `anthropic-ratelimit-unified-*`, resets in epoch
 * seconds, utilizations as fractions (0.9 is 90%).
 */

/** The documented kinds Anthropic counts against a key. */
export const DOCUMENTED_KINDS = ['requests', 'tokens', 'input-tokens', 'output-tokens'] as const;
export type DocumentedKind = (typeof DOCUMENTED_KINDS)[number];

/** A subscription's windows, by their header infix, and Claude Code's name for each (`representative-claim`). */
export const UNIFIED_WINDOWS = { '5h': 'five_hour', '7d': 'seven_day', '7d_oi': 'seven_day_overage_included', overage: 'overage' } as const;
export type UnifiedWindow = keyof typeof UNIFIED_WINDOWS;

export type UnifiedStatus = 'allowed' | 'allowed_warning' | 'rejected';
const STATUSES: readonly string[] = ['allowed', 'allowed_warning', 'rejected'];

export interface Counted {
  limit?: number;
  remaining?: number;
  /** Epoch ms. */
  resetAt?: number;
}

export interface WindowReading {
  /** 0–1. */
  utilization?: number;
  /** Epoch ms. */
  resetAt?: number;
  status?: UnifiedStatus;
}

export interface UnifiedReading {
  status: UnifiedStatus;
  /** Epoch ms: when the binding window resets. */
  resetAt?: number;
  /** The binding window, as Anthropic names it (`five_hour`, `seven_day`, `seven_day_opus`, ...). */
  representativeClaim?: string;
  windows: Partial<Record<UnifiedWindow, WindowReading>>;
  overage: {
    status?: UnifiedStatus;
    resetAt?: number;
    disabledReason?: string;
    inUse?: boolean;
  };
  /** `anthropic-ratelimit-unified-fallback: available`: a fallback model may still serve. */
  fallbackAvailable: boolean;
  /** The plan window is spent and extra usage paid for this answer (Claude Code's `isUsingOverage`). */
  usingOverage: boolean;
}

export interface RateLimitReading {
  documented: Partial<Record<DocumentedKind, Counted>>;
  unified?: UnifiedReading;
  /** Epoch ms from `retry-after`. */
  retryAt?: number;
}

/** Anything with `get(name)`: a fetch `Headers`, or a lookup over Node's header object. */
export interface HeaderSource {
  get(name: string): string | null | undefined;
}

/** The longest rest anything may impose: a little over the 7-day window. Never forever. */
export const LONGEST_REST_MS = 8 * 24 * 3600_000;

/** A finite, non-negative number, or nothing: the headers are untrusted text. */
function count(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 && n <= Number.MAX_SAFE_INTEGER ? n : undefined;
}

function fraction(value: string | null | undefined): number | undefined {
  const n = count(value);
  return n === undefined ? undefined : Math.min(n, 1);
}

/** An instant no further than the longest rest from now; anything else is ignored. */
function plausible(ms: number, now: number): number | undefined {
  return Number.isFinite(ms) && ms > 0 && ms <= now + LONGEST_REST_MS ? ms : undefined;
}

const epochSeconds = (value: string | null | undefined, now: number) => {
  const n = count(value);
  return n === undefined ? undefined : plausible(Math.round(n * 1000), now);
};

const rfc3339 = (value: string | null | undefined, now: number) =>
  value ? plausible(Date.parse(value), now) : undefined;

/** `retry-after`: seconds (fractions allowed), or an HTTP date. */
function retryAt(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = count(value);
  if (seconds !== undefined) return plausible(now + seconds * 1000, now);
  return /^\d/.test(value.trim()) ? undefined : plausible(Date.parse(value), now);
}

const status = (value: string | null | undefined): UnifiedStatus | undefined =>
  value && STATUSES.includes(value) ? (value as UnifiedStatus) : undefined;

/** Each documented kind's three header names, spelled once (read on every answer). */
const DOCUMENTED_HEADERS = DOCUMENTED_KINDS.map((kind) => {
  const prefix = `anthropic-ratelimit-${kind}`;
  return { kind, limit: `${prefix}-limit`, remaining: `${prefix}-remaining`, reset: `${prefix}-reset` };
});

/** Every limit the headers tell, at `now` (epoch ms). */
export function readRateLimits(headers: HeaderSource, now = Date.now()): RateLimitReading {
  const reading: RateLimitReading = { documented: {} };
  for (const names of DOCUMENTED_HEADERS) {
    const limit = headers.get(names.limit);
    const remaining = headers.get(names.remaining);
    const reset = headers.get(names.reset);
    if (limit == null && remaining == null && reset == null) continue;
    const counted: Counted = { limit: count(limit), remaining: count(remaining), resetAt: rfc3339(reset, now) };
    if (counted.limit !== undefined || counted.remaining !== undefined || counted.resetAt !== undefined) {
      reading.documented[names.kind] = counted;
    }
  }
  const retry = retryAt(headers.get('retry-after'), now);
  if (retry !== undefined) reading.retryAt = retry;
  const unified = readUnified(headers, now);
  if (unified) reading.unified = unified;
  return reading;
}

function readUnified(headers: HeaderSource, now: number): UnifiedReading | undefined {
  const rawStatus = headers.get('anthropic-ratelimit-unified-status');
  if (rawStatus === null || rawStatus === undefined) return undefined;
  const get = (name: string) => headers.get(`anthropic-ratelimit-unified-${name}`);
  // Claude Code reads a status it does not know as given; a gateway acting on it must not: unknown means allowed.
  const overall = status(rawStatus) ?? 'allowed';
  const windows: UnifiedReading['windows'] = {};
  for (const window of Object.keys(UNIFIED_WINDOWS) as UnifiedWindow[]) {
    const read: WindowReading = {
      utilization: fraction(get(`${window}-utilization`)),
      resetAt: epochSeconds(get(`${window}-reset`), now),
      status: status(get(`${window}-status`)),
    };
    if (read.utilization !== undefined || read.resetAt !== undefined || read.status !== undefined) windows[window] = read;
  }
  const overageStatus = status(get('overage-status'));
  const claim = get('representative-claim');
  const reason = get('overage-disabled-reason');
  return {
    status: overall,
    resetAt: epochSeconds(get('reset'), now),
    representativeClaim: claim && /^[a-z0-9_]{1,64}$/.test(claim) ? claim : undefined,
    windows,
    overage: {
      status: overageStatus,
      resetAt: epochSeconds(get('overage-reset'), now),
      disabledReason: reason && /^[a-z0-9_]{1,64}$/.test(reason) ? reason : undefined,
      inUse: get('overage-in-use') === 'true' || undefined,
    },
    fallbackAvailable: get('fallback') === 'available',
    usingOverage: overall === 'rejected' && (overageStatus === 'allowed' || overageStatus === 'allowed_warning'),
  };
}

/** How Claude Code names a window in its messages ("5-hour limit reached"). */
const WINDOW_NAMES: Readonly<Record<string, string>> = {
  five_hour: '5-hour limit',
  seven_day: 'weekly limit',
  seven_day_opus: 'weekly Opus limit',
  seven_day_sonnet: 'weekly Sonnet limit',
  seven_day_overage_included: 'weekly limit',
  overage: 'extra usage limit',
};

export const windowName = (claim: string | undefined) => (claim && WINDOW_NAMES[claim]) || 'plan limit';

/** Whether a reading tells nothing (an answer without rate-limit headers, as from a gateway in between). */
export function tellsNothing(reading: RateLimitReading): boolean {
  return reading.unified === undefined && reading.retryAt === undefined && Object.keys(reading.documented).length === 0;
}

/** A rest: until when, and why, in words that hold no secret. */
export interface Rest {
  /** Epoch ms. */
  until: number;
  reason: string;
}

/** How long to rest when a 429 or 529 says nothing of when to come back. */
export const DEFAULT_REST_MS = 30_000;

export interface RestPolicy {
  /** A subscription whose plan window is spent rests even when extra usage would pay (SUBSCRIPTION_OVERAGE=avoid). */
  avoidOverage: boolean;
  /**
   * A 429/529 rests the credential: only when there is another to go to. A
   * single credential keeps sending, and its client gets upstream's own
   * answer with its `retry-after`, as without a pool.
   */
  restOnRateLimit: boolean;
}

/**
 * Whether an answer with this status and these limits puts its credential
 * to rest, and until when. Null: no new rest (one already imposed ends with its
 * time, see pool-state.ts).
 */
export function restFor(httpStatus: number, reading: RateLimitReading, policy: RestPolicy, now = Date.now()): Rest | null {
  const { avoidOverage } = policy;
  const unified = reading.unified;
  const planSpent = unified?.status === 'rejected';
  if (planSpent && (avoidOverage || !unified.usingOverage || httpStatus === 429)) {
    const until = unified.resetAt ?? unified.overage.resetAt ?? reading.retryAt ?? now + DEFAULT_REST_MS;
    return { until: Math.max(until, now + 1000), reason: `${windowName(unified.representativeClaim)} reached` };
  }
  if (policy.restOnRateLimit && (httpStatus === 429 || httpStatus === 529)) {
    const exhausted = DOCUMENTED_KINDS.map((kind) => reading.documented[kind]).filter((c) => c?.remaining === 0 && c.resetAt);
    const documentedReset = exhausted.length ? Math.max(...exhausted.map((c) => c!.resetAt!)) : undefined;
    const until = reading.retryAt ?? documentedReset ?? now + DEFAULT_REST_MS;
    return { until: Math.max(until, now + 1000), reason: httpStatus === 429 ? 'rate limited (429)' : 'overloaded (529)' };
  }
  return null;
}
