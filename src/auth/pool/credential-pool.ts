import { Injectable, Logger } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { Credential } from '../credential.js';
import type { UpstreamCredential } from '../upstream-auth.js';
import { GatewayError } from '../../common/errors/gateway-error.js';
import { AppConfig } from '../../config/app-config.js';
import { type CredentialSnapshot, type FailoverReason, GatewayMetrics } from '../../observability/metrics/gateway-metrics.js';
import type { ExchangeRecord } from '../sdk-credential/sdk-credential.js';
import { openAiRateLimitHeaders } from './openai-headers.js';
import { type CredentialLimits, PoolState } from './pool-state.js';
import { DOCUMENTED_KINDS, type HeaderSource, type RateLimitReading, type Rest, type RestPolicy, readRateLimits, restFor } from './rate-limits.js';

/** What serving a request gave: the call's value, and who served it with what limits. */
export interface Served<T> {
  value: T;
  /** The name of the credential that served (never its secret). */
  credential: string;
  /** Its limits, as this very answer reported them. */
  limits: RateLimitReading | undefined;
}

/**
 * One try on one credential: its value and upstream's response headers
 * (null: an answer that says nothing of the limits, such as the model list).
 * `last`: no credential after this one.
 */
export type Attempt<T> = (credential: UpstreamCredential, last: boolean) => Promise<{ value: T; headers: HeaderSource | null }>;

/**
 * A credential's state by name, for readiness. One the SDK exchanges for
 * (workload identity, a profile) adds when its token expires and its last
 * exchange; never the token.
 */
export type MemberState = (
  | { state: 'usable' }
  | { state: 'resting'; until: string; reason: string }
  | { state: 'signed out'; reason: string }
) & { expiresInSeconds?: number; lastExchange?: ExchangeRecord | null };

/** The answer header naming the credential that served (GATEWAY_CREDENTIAL_HEADER=true). */
export const CREDENTIAL_HEADER = 'x-gateway-credential';

/** Conversations remembered for stickiness; the least recently used is forgotten first. */
const STICKY_ENTRIES = 10_000;

/**
 * Several credentials with failover: the first usable one in order serves,
 * a conversation stays on the one that served it while that one is usable
 * (the prompt cache is per organization), and a credential that answers
 * 429/529 or whose plan window is spent rests until its reset, with the
 * request tried on the next one (each once, and never once an answer has
 * begun: `attempt` resolves when upstream has accepted). Without
 * CREDENTIALS_FILE this is a pool of one, with the same rules.
 */
@Injectable()
export class CredentialPool {
  private readonly logger = new Logger('CredentialPool');
  readonly members: readonly UpstreamCredential[];
  private readonly names: readonly string[];
  private readonly avoidOverage: boolean;
  private readonly policy: RestPolicy;
  private readonly nameHeader: boolean;
  /** Conversation → the credential that served it; the least recently used goes first past STICKY_ENTRIES. */
  private readonly sticky = new LRUCache<string, string>({ max: STICKY_ENTRIES });

  constructor(
    private readonly credential: Credential,
    config: AppConfig,
    private readonly metrics: GatewayMetrics,
    private readonly state: PoolState,
  ) {
    this.members = credential.members;
    this.names = this.members.map((member) => member.name);
    this.avoidOverage = config.get('SUBSCRIPTION_OVERAGE') === 'avoid';
    this.nameHeader = config.get('GATEWAY_CREDENTIAL_HEADER') === 'true';
    this.policy = { avoidOverage: this.avoidOverage, restOnRateLimit: this.members.length > 1 };
    metrics.watchCredentials(() => this.snapshots());
  }

  /**
   * Runs `attempt` on the usable credentials in turn until one answers, or
   * one fails for a reason the next cannot share (a 400, a broken stream,
   * the client leaving). A resting credential gets no call at all.
   */
  async serve<T>(affinity: string | undefined, attempt: Attempt<T>, signal?: AbortSignal): Promise<Served<T>> {
    const now = Date.now();
    const limits = this.state.read(this.names);
    const order = this.order(affinity, limits, now);
    if (order.length === 0) throw exhausted(this.names, limits, now);
    for (let i = 0; ; i++) {
      const member = order[i];
      const last = i === order.length - 1;
      try {
        const { value, headers } = await attempt(member, last);
        const reading = headers ? this.note(member.name, 200, headers) : undefined;
        if (affinity !== undefined) this.stick(affinity, member.name);
        return { value, credential: member.name, limits: reading };
      } catch (error) {
        const reason = this.failoverReason(member.name, error);
        if (reason === null || signal?.aborted) throw error;
        if (last) throw this.exhaustedNow() ?? error;
        this.metrics.failedOver(reason);
        this.logger.warn(`credential ${member.name}: ${reason.replace('_', ' ')}; trying ${order[i + 1].name}`);
      }
    }
  }

  /**
   * Notes one upstream answer for a credential, success or error: its limits,
   * and whether it now rests. The one function every door calls with
   * upstream's response headers (the Anthropic door passes the headers on
   * to its client as they are; the OpenAI doors turn them into OpenAI's).
   */
  note(name: string, status: number, headers: HeaderSource, now = Date.now()): RateLimitReading {
    const reading = readRateLimits(headers, now);
    const rest = restFor(status, reading, this.policy, now);
    if (rest) this.logger.warn(`credential ${name} rests until ${new Date(rest.until).toISOString()}: ${rest.reason}`);
    this.state.write(name, reading, rest, now);
    return reading;
  }

  /** The headers an OpenAI door's answer carries about who served: OpenAI's x-ratelimit-*, and the name when asked for. */
  openAiHeaders(served: { credential: string; limits: RateLimitReading | undefined }): Record<string, string> {
    const headers = openAiRateLimitHeaders(served.limits);
    if (this.nameHeader) headers[CREDENTIAL_HEADER] = served.credential;
    return headers;
  }

  /** Keeps a conversation (a `previous_response_id` chain link, say) on the credential that served it. */
  stick(affinity: string, name: string): void {
    this.sticky.set(affinity, name);
  }

  /** Each credential's state, in order, for readiness and metrics; names and reasons only, never a secret. */
  async states(now = Date.now()): Promise<MemberState[]> {
    const limits = this.state.read(this.names);
    return Promise.all(
      this.members.map(async (member, i): Promise<MemberState> => {
        const rest = limits[i]?.rest;
        if (rest && rest.until > now) return { state: 'resting', until: new Date(rest.until).toISOString(), reason: rest.reason };
        if (member.kind === 'sdk') {
          const { usable, reason, ...token } = await member.state();
          return usable ? { state: 'usable', ...token } : { state: 'signed out', reason: reason ?? 'no token could be obtained', ...token };
        }
        if (member.kind !== 'claude-login') return { state: 'usable' };
        const login = await this.credential.loginState();
        return login.usable ? { state: 'usable' } : { state: 'signed out', reason: login.reason ?? 'the Claude Code login is unusable' };
      }),
    );
  }

  /** The credentials not resting, the conversation's own first. */
  private order(affinity: string | undefined, limits: ReadonlyArray<CredentialLimits | undefined>, now: number): readonly UpstreamCredential[] {
    // Nothing resting (nearly always): the members as they are, no list made.
    if (!limits.some((limit) => resting(limit, now)) && (affinity === undefined || this.members.length === 1)) return this.members;
    const usable = this.members.filter((_, i) => !resting(limits[i], now));
    const stuck = affinity === undefined ? undefined : this.sticky.get(affinity);
    const own = stuck === undefined ? -1 : usable.findIndex((member) => member.name === stuck);
    if (own > 0) usable.unshift(...usable.splice(own, 1));
    return usable;
  }

  /** Why the next credential should be tried after this error; null: it should not. */
  private failoverReason(name: string, error: unknown): FailoverReason | null {
    if (error instanceof GatewayError) return error.code === 'credentials_unavailable' ? 'signed_out' : null;
    const status = (error as { status?: unknown } | null)?.status;
    const headers = (error as { headers?: unknown } | null)?.headers;
    if (typeof status !== 'number') return null;
    const reading = isHeaderSource(headers) ? this.note(name, status, headers) : undefined;
    if (status === 401) return 'refused';
    if (status === 529) return 'overloaded';
    if (status === 429) return reading?.unified?.status === 'rejected' ? 'plan_limit' : 'rate_limited';
    if (reading?.unified?.status === 'rejected' && this.avoidOverage) return 'plan_limit';
    return null;
  }

  /** The 429 to answer when every credential rests now; null when one does not. */
  private exhaustedNow(): GatewayError | null {
    const now = Date.now();
    const limits = this.state.read(this.names);
    return this.names.every((_, i) => resting(limits[i], now)) ? exhausted(this.names, limits, now) : null;
  }

  /** Each credential for /metrics, at scrape time. */
  private async snapshots(): Promise<CredentialSnapshot[]> {
    const states = await this.states();
    const limits = this.state.read(this.names);
    return this.names.map((credential, i) => ({
      credential,
      available: states[i].state === 'usable',
      ...measures(limits[i]?.reading),
    }));
  }
}

/** A reading as the metrics' numbers: utilization by window or kind (used/limit), remaining by kind. */
function measures(reading: RateLimitReading | undefined): Pick<CredentialSnapshot, 'utilization' | 'remaining'> {
  const utilization: Record<string, number> = {};
  const remaining: Record<string, number> = {};
  for (const [window, read] of Object.entries(reading?.unified?.windows ?? {})) {
    if (read.utilization !== undefined) utilization[window] = read.utilization;
  }
  for (const kind of DOCUMENTED_KINDS) {
    const counted = reading?.documented[kind];
    if (counted?.remaining === undefined) continue;
    remaining[kind] = counted.remaining;
    if (counted.limit) utilization[kind] = Math.min(1, Math.max(0, (counted.limit - counted.remaining) / counted.limit));
  }
  return { utilization, remaining };
}

const resting = (limits: CredentialLimits | undefined, now: number): limits is CredentialLimits & { rest: Rest } =>
  limits?.rest != null && limits.rest.until > now;

function isHeaderSource(value: unknown): value is HeaderSource {
  return typeof (value as { get?: unknown } | null)?.get === 'function';
}

/**
 * The 429 for "nothing can serve now": `retry-after` is the seconds until
 * the earliest reset, and the message names each credential's window and
 * when it resets ("max-plan: 5-hour limit reached; resets at 14:05 UTC").
 */
export function exhausted(names: readonly string[], limits: ReadonlyArray<CredentialLimits | undefined>, now: number): GatewayError {
  const rests = names.flatMap((name, i) => {
    const limit = limits[i];
    return resting(limit, now) ? [{ name, rest: limit.rest }] : [];
  });
  const earliest = Math.min(...rests.map((r) => r.rest.until));
  const seconds = Math.max(1, Math.ceil((earliest - now) / 1000));
  const each = rests.map(({ name, rest }) => `${names.length > 1 ? `${name}: ` : ''}${rest.reason}; resets at ${utcTime(rest.until, now)}`);
  const message = names.length > 1 ? `Every credential is resting. ${each.join('. ')}.` : `${each[0]}.`;
  return new GatewayError(429, message, {
    type: 'rate_limit_error',
    code: 'rate_limit_exceeded',
    headers: { 'retry-after': String(seconds) },
  });
}

/** `14:05 UTC`, with the date when it is not within the next day. */
function utcTime(at: number, now: number): string {
  const iso = new Date(at).toISOString();
  const time = `${iso.slice(11, 16)} UTC`;
  return at - now < 24 * 3600_000 ? time : `${iso.slice(0, 10)} ${time}`;
}
