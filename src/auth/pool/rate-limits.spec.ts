import {
  apiKeyHeaders,
  subscriptionAllowed,
  subscriptionOnOverage,
  subscriptionRejected,
  subscriptionWarning,
} from '../../../test/support/rate-limit-headers.js';
import { openAiDuration, openAiRateLimitHeaders } from './openai-headers.js';
import { DEFAULT_REST_MS, LONGEST_REST_MS, readRateLimits, restFor } from './rate-limits.js';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const headers = (record: Record<string, string>) => new Headers(record);
const read = (record: Record<string, string>) => readRateLimits(headers(record), NOW);
const avoid = { avoidOverage: true, restOnRateLimit: true };
const allow = { avoidOverage: false, restOnRateLimit: true };

describe('an API key answer', () => {
  it('reads the four documented kinds, resets as instants', () => {
    const reading = read(apiKeyHeaders(NOW));
    expect(reading.unified).toBeUndefined();
    expect(reading.documented.requests).toEqual({ limit: 4000, remaining: 3999, resetAt: NOW + 15_000 });
    expect(reading.documented.tokens).toEqual({ limit: 2_000_000, remaining: 1_998_000, resetAt: NOW + 1000 });
    expect(reading.documented['input-tokens']?.limit).toBe(1_600_000);
    expect(reading.documented['output-tokens']?.remaining).toBe(399_000);
    expect(restFor(200, reading, avoid, NOW)).toBeNull();
  });

  it('becomes OpenAI\'s x-ratelimit-* headers, resets as durations', () => {
    expect(openAiRateLimitHeaders(read(apiKeyHeaders(NOW)), NOW)).toEqual({
      'x-ratelimit-limit-requests': '4000',
      'x-ratelimit-remaining-requests': '3999',
      'x-ratelimit-reset-requests': '15s',
      'x-ratelimit-limit-tokens': '2000000',
      'x-ratelimit-remaining-tokens': '1998000',
      'x-ratelimit-reset-tokens': '1s',
    });
  });

  it('a 429 rests until retry-after; without one, until the spent kind resets', () => {
    const spent = apiKeyHeaders(NOW, { requests: 0, tokens: 5 });
    expect(restFor(429, read({ ...spent, 'retry-after': '42' }), avoid, NOW)).toEqual({ until: NOW + 42_000, reason: 'rate limited (429)' });
    expect(restFor(429, read(spent), avoid, NOW)).toEqual({ until: NOW + 15_000, reason: 'rate limited (429)' });
    expect(restFor(529, read({}), avoid, NOW)).toEqual({ until: NOW + DEFAULT_REST_MS, reason: 'overloaded (529)' });
  });

  it('a single credential is not rested by a 429: its client gets upstream\'s own answer', () => {
    expect(restFor(429, read({ 'retry-after': '42' }), { avoidOverage: true, restOnRateLimit: false }, NOW)).toBeNull();
  });
});

describe('a subscription answer (anthropic-ratelimit-unified-*)', () => {
  it('allowed: windows and their resets read, usable', () => {
    const reading = read(subscriptionAllowed(NOW));
    expect(reading.unified).toMatchObject({
      status: 'allowed',
      representativeClaim: 'five_hour',
      fallbackAvailable: true,
      usingOverage: false,
      resetAt: NOW + 3 * 3600_000,
      windows: { '5h': { utilization: 0.12, status: 'allowed' }, '7d': { utilization: 0.31, resetAt: NOW + 4 * 24 * 3600_000 } },
      overage: { status: 'rejected', disabledReason: 'org_level_disabled' },
    });
    expect(restFor(200, reading, avoid, NOW)).toBeNull();
    // A subscription reports windows, not counts: no OpenAI headers to make.
    expect(openAiRateLimitHeaders(reading, NOW)).toEqual({});
  });

  it('allowed_warning: still usable', () => {
    const reading = read(subscriptionWarning(NOW));
    expect(reading.unified).toMatchObject({ status: 'allowed_warning', windows: { '5h': { utilization: 0.93, status: 'allowed_warning' } } });
    expect(restFor(200, reading, avoid, NOW)).toBeNull();
  });

  it('rejected: rests until the window resets, named as Claude Code names it', () => {
    const reading = read(subscriptionRejected(NOW));
    expect(reading.unified).toMatchObject({ status: 'rejected', usingOverage: false });
    expect(restFor(429, reading, avoid, NOW)).toEqual({ until: NOW + 2 * 3600_000, reason: '5-hour limit reached' });
    expect(restFor(429, reading, allow, NOW)).toEqual({ until: NOW + 2 * 3600_000, reason: '5-hour limit reached' });
  });

  it('overage: a 200 paid by extra usage rests the credential with avoid, not with allow', () => {
    const reading = read(subscriptionOnOverage(NOW));
    expect(reading.unified).toMatchObject({ status: 'rejected', usingOverage: true, overage: { status: 'allowed', inUse: true } });
    expect(restFor(200, reading, avoid, NOW)).toEqual({ until: NOW + 26 * 3600_000, reason: 'weekly limit reached' });
    expect(restFor(200, reading, allow, NOW)).toBeNull();
  });
});

describe('odd header values are ignored, never trusted', () => {
  it.each([
    ['negative', '-5'],
    ['huge', '1e308'],
    ['non-numeric', 'soon'],
    ['empty', ''],
    ['infinite', 'Infinity'],
  ])('%s numbers', (_, value) => {
    const reading = read({
      'anthropic-ratelimit-requests-limit': value,
      'anthropic-ratelimit-requests-remaining': value,
      'anthropic-ratelimit-requests-reset': value,
      'anthropic-ratelimit-unified-status': 'rejected',
      'anthropic-ratelimit-unified-reset': value,
      'anthropic-ratelimit-unified-5h-utilization': value,
      'retry-after': value,
    });
    const rest = restFor(429, reading, avoid, NOW)!;
    // Never forever, never in the past.
    expect(rest.until).toBeGreaterThan(NOW);
    expect(rest.until).toBeLessThanOrEqual(NOW + LONGEST_REST_MS);
    for (const header of Object.values(openAiRateLimitHeaders(reading, NOW))) expect(header).toMatch(/^[0-9a-z.]+$/);
  });

  it('a reset in the past rests a moment, not forever', () => {
    const past = subscriptionRejected(NOW, -3600_000);
    delete past['retry-after'];
    const rest = restFor(429, read(past), avoid, NOW)!;
    expect(rest.until).toBeGreaterThan(NOW);
    expect(rest.until).toBeLessThanOrEqual(NOW + 1000);
  });

  it('an unknown status is taken as allowed; a claim or reason outside the known shape is dropped', () => {
    const reading = read({
      'anthropic-ratelimit-unified-status': 'on fire',
      'anthropic-ratelimit-unified-representative-claim': '<script>',
      'anthropic-ratelimit-unified-overage-disabled-reason': 'x'.repeat(500),
    });
    expect(reading.unified).toMatchObject({ status: 'allowed', representativeClaim: undefined, overage: { disabledReason: undefined } });
    expect(restFor(200, reading, avoid, NOW)).toBeNull();
  });
});

it.each([
  [0, '0ms'],
  [17, '17ms'],
  [1000, '1s'],
  [1500, '1.5s'],
  [360_000, '6m0s'],
  [3_723_000, '1h2m3s'],
  [-5, '0ms'],
])('an OpenAI duration: %d ms is %s', (ms, text) => {
  expect(openAiDuration(ms)).toBe(text);
});
