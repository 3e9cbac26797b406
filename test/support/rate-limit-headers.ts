/**
 * Header sets as Anthropic sends them, for unit and e2e tests: the documented
 * ones of a Console API key, and the unified ones of a Claude subscription
 * (names and meanings as the Claude Code binary reads them; see
 * docs/credentials.md). Times are relative to `now` (epoch ms).
 */
const seconds = (ms: number) => String(Math.floor(ms / 1000));
const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** A Console API key's answer: requests and tokens counted per minute. */
export function apiKeyHeaders(now: number, remaining = { requests: 3999, tokens: 1_998_000 }): Record<string, string> {
  return {
    'anthropic-ratelimit-requests-limit': '4000',
    'anthropic-ratelimit-requests-remaining': String(remaining.requests),
    'anthropic-ratelimit-requests-reset': iso(now + 15_000),
    'anthropic-ratelimit-tokens-limit': '2000000',
    'anthropic-ratelimit-tokens-remaining': String(remaining.tokens),
    'anthropic-ratelimit-tokens-reset': iso(now + 1_000),
    'anthropic-ratelimit-input-tokens-limit': '1600000',
    'anthropic-ratelimit-input-tokens-remaining': '1599000',
    'anthropic-ratelimit-input-tokens-reset': iso(now + 1_000),
    'anthropic-ratelimit-output-tokens-limit': '400000',
    'anthropic-ratelimit-output-tokens-remaining': '399000',
    'anthropic-ratelimit-output-tokens-reset': iso(now + 1_000),
  };
}

/** A subscription within its plan: 5-hour window at 12%, weekly at 31%. */
export function subscriptionAllowed(now: number): Record<string, string> {
  return {
    'anthropic-ratelimit-unified-status': 'allowed',
    'anthropic-ratelimit-unified-reset': seconds(now + 3 * 3600_000),
    'anthropic-ratelimit-unified-representative-claim': 'five_hour',
    'anthropic-ratelimit-unified-fallback': 'available',
    'anthropic-ratelimit-unified-5h-utilization': '0.12',
    'anthropic-ratelimit-unified-5h-reset': seconds(now + 3 * 3600_000),
    'anthropic-ratelimit-unified-5h-status': 'allowed',
    'anthropic-ratelimit-unified-7d-utilization': '0.31',
    'anthropic-ratelimit-unified-7d-reset': seconds(now + 4 * 24 * 3600_000),
    'anthropic-ratelimit-unified-7d-status': 'allowed',
    'anthropic-ratelimit-unified-overage-status': 'rejected',
    'anthropic-ratelimit-unified-overage-disabled-reason': 'org_level_disabled',
  };
}

/** Nearly spent: the 5-hour window past its warning threshold. */
export function subscriptionWarning(now: number): Record<string, string> {
  return {
    ...subscriptionAllowed(now),
    'anthropic-ratelimit-unified-status': 'allowed_warning',
    'anthropic-ratelimit-unified-5h-utilization': '0.93',
    'anthropic-ratelimit-unified-5h-status': 'allowed_warning',
    'anthropic-ratelimit-unified-5h-surpassed-threshold': '0.9',
  };
}

/** The 5-hour window spent and no extra usage: upstream answers 429 with these. */
export function subscriptionRejected(now: number, resetInMs = 2 * 3600_000): Record<string, string> {
  return {
    ...subscriptionAllowed(now),
    'anthropic-ratelimit-unified-status': 'rejected',
    'anthropic-ratelimit-unified-reset': seconds(now + resetInMs),
    'anthropic-ratelimit-unified-5h-utilization': '1.0',
    'anthropic-ratelimit-unified-5h-reset': seconds(now + resetInMs),
    'anthropic-ratelimit-unified-5h-status': 'rejected',
    'anthropic-ratelimit-unified-overage-status': 'rejected',
    'anthropic-ratelimit-unified-overage-disabled-reason': 'out_of_credits',
    'retry-after': seconds(resetInMs),
  };
}

/** The weekly window spent, and extra usage paying: upstream answers 200, billed as overage. */
export function subscriptionOnOverage(now: number, resetInMs = 26 * 3600_000): Record<string, string> {
  const headers: Record<string, string> = {
    ...subscriptionAllowed(now),
    'anthropic-ratelimit-unified-status': 'rejected',
    'anthropic-ratelimit-unified-reset': seconds(now + resetInMs),
    'anthropic-ratelimit-unified-representative-claim': 'seven_day',
    'anthropic-ratelimit-unified-7d-utilization': '1.0',
    'anthropic-ratelimit-unified-7d-reset': seconds(now + resetInMs),
    'anthropic-ratelimit-unified-7d-status': 'rejected',
    'anthropic-ratelimit-unified-overage-status': 'allowed',
    'anthropic-ratelimit-unified-overage-reset': seconds(now + 20 * 24 * 3600_000),
    'anthropic-ratelimit-unified-overage-in-use': 'true',
  };
  delete headers['anthropic-ratelimit-unified-overage-disabled-reason'];
  return headers;
}
