import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { AppConfig } from '../../config/app-config.js';
import { ANSWER_ROUTES, REFRESH_OUTCOMES, REFRESH_TRIGGERS, type RouteLabel, UPSTREAM_ERROR_TYPES, type UpstreamErrorType } from './metric-labels.js';

/** Prometheus metric names, in one place for the docs, the dashboard test and the e2e tests. */
export const METRIC = {
  requests: 'claude_proxy_requests_total',
  requestDuration: 'claude_proxy_request_duration_seconds',
  timeToFirstToken: 'claude_proxy_time_to_first_token_seconds',
  upstreamDuration: 'claude_proxy_upstream_duration_seconds',
  tokens: 'claude_proxy_tokens_total',
  upstreamErrors: 'claude_proxy_upstream_errors_total',
  openStreams: 'claude_proxy_open_streams',
  clientDisconnects: 'claude_proxy_client_disconnects_total',
  refreshRuns: 'claude_proxy_refresh_runs_total',
  loginExpiry: 'claude_proxy_login_expires_in_seconds',
  storeErrors: 'claude_proxy_store_errors_total',
  storeDuration: 'claude_proxy_store_duration_seconds',
  credentialExchanges: 'claude_proxy_credential_exchanges_total',
  credentialExpiry: 'claude_proxy_credential_expires_in_seconds',
  info: 'claude_proxy_info',
  ratelimitUtilization: 'claude_proxy_ratelimit_utilization',
  credentialAvailable: 'claude_proxy_credential_available',
  ratelimitRemaining: 'claude_proxy_ratelimit_remaining',
  failovers: 'claude_proxy_failovers_total',
} as const;

/** One credential as /metrics shows it, read at scrape time. */
export interface CredentialSnapshot {
  credential: string;
  available: boolean;
  /** By window or kind, 0-1. */
  utilization: Readonly<Record<string, number>>;
  /** By documented kind. */
  remaining: Readonly<Record<string, number>>;
}

/** Why a request left a credential for the next one (`claude_proxy_failovers_total{reason}`). */
export const FAILOVER_REASONS = ['rate_limited', 'overloaded', 'plan_limit', 'refused', 'signed_out'] as const;
export type FailoverReason = (typeof FAILOVER_REASONS)[number];

export type TokenKind = 'input' | 'output' | 'cache_read' | 'cache_write';

export interface TokenCounts {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface RequestOutcome {
  route: RouteLabel;
  model: string;
  status: number;
  stream: boolean;
  durationSeconds: number;
}

/** prom-client default metrics that `promtool check metrics` rejects: gauges whose names end in `_total`. */
const MISNAMED_DEFAULT_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** Seconds: LLM answers take from well under a second to many minutes. */
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600];
/** Seconds: a store call is a Redis round trip, well under a millisecond on a LAN; 1.5 s is its time limit. */
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2];
const TTFT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20, 60];

/**
 * Every Prometheus metric the gateway exports, in a registry of its own (not
 * prom-client's global one, so gateways side by side in one process, as in
 * the tests, keep separate counts). Label values are bounded by construction:
 * callers pass labels made by `metric-labels.ts`. When METRICS_ENABLED is
 * false the recording methods return at once and nothing is registered.
 */
@Injectable()
export class GatewayMetrics {
  readonly enabled: boolean;
  readonly registry = new Registry();
  private readonly upstreamErrors: Counter<'type'>;
  private readonly openStreams: Gauge;
  private readonly clientDisconnects: Counter<'route'>;
  private readonly refreshRuns: Counter<'trigger' | 'outcome'>;
  /** With REDIS_URL only: the in-process store has no calls worth timing. */
  private readonly storeErrors: Counter<'operation'> | null = null;
  private readonly storeDuration: Histogram<'operation'> | null = null;
  private readonly requests: Counter<'route' | 'model' | 'status' | 'stream'>;
  private readonly requestDuration: Histogram<'route' | 'model' | 'stream'>;
  private readonly timeToFirstToken: Histogram<'model' | 'stream'>;
  private readonly upstreamDuration: Histogram<'model' | 'outcome'>;
  private readonly tokens: Counter<'model' | 'type'>;
  private readonly credentialExchanges: Counter<'credential' | 'outcome'>;
  /** Credentials whose tokens the SDK obtains, by name: when the token each holds expires (epoch ms). */
  private readonly credentialExpiries = new Map<string, () => number | null>();
  private readonly failovers: Counter<'reason'>;
  /** Read at scrape time: nothing per request, and a rest ends with time, not with an event. */
  private credentials: () => Promise<readonly CredentialSnapshot[]> = async () => [];
  /** Read at scrape time (one `stat` of the login file), so the value is always current. */
  private loginExpiresAtMs: () => Promise<number | null> = async () => null;

  constructor(config: AppConfig) {
    this.enabled = config.get('METRICS_ENABLED') === 'true';
    const registers = this.enabled ? [this.registry] : [];
    this.requests = new Counter({
      name: METRIC.requests,
      help: 'Requests answered, by route, model (family or `other`), HTTP status and whether the client streamed.',
      labelNames: ['route', 'model', 'status', 'stream'],
      registers,
    });
    this.requestDuration = new Histogram({
      name: METRIC.requestDuration,
      help: 'Time from request to the last byte of the answer, in seconds.',
      labelNames: ['route', 'model', 'stream'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.timeToFirstToken = new Histogram({
      name: METRIC.timeToFirstToken,
      help: 'Time from request to the first generated content (text, thinking or tool call), in seconds.',
      labelNames: ['model', 'stream'],
      buckets: TTFT_BUCKETS,
      registers,
    });
    this.upstreamDuration = new Histogram({
      name: METRIC.upstreamDuration,
      help: 'Time from the upstream call to the end of its stream (or its failure), in seconds.',
      labelNames: ['model', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.tokens = new Counter({
      name: METRIC.tokens,
      help: 'Tokens reported by upstream usage, by model and type (input, output, cache_read, cache_write).',
      labelNames: ['model', 'type'],
      registers,
    });
    this.upstreamErrors = new Counter({
      name: METRIC.upstreamErrors,
      help: 'Upstream failures by type: rate_limited (429), overloaded (529), server_error (5xx), timeout, broken_stream, malformed, connection, rejected (other 4xx).',
      labelNames: ['type'],
      registers,
    });
    this.openStreams = new Gauge({
      name: METRIC.openStreams,
      help: 'Streaming answers (SSE) open now.',
      registers,
    });
    this.clientDisconnects = new Counter({
      name: METRIC.clientDisconnects,
      help: 'Clients that went away before their answer was complete.',
      labelNames: ['route'],
      registers,
    });
    this.refreshRuns = new Counter({
      name: METRIC.refreshRuns,
      help: 'Runs of REFRESH_COMMAND (Claude Code login) by trigger and outcome (renewed, unchanged, failed).',
      labelNames: ['trigger', 'outcome'],
      registers,
    });
    if (config.get('REDIS_URL')) {
      this.storeErrors = new Counter({
        name: METRIC.storeErrors,
        help: 'Calls to the shared store (Redis) that failed or timed out, by operation (read, write, get, delete, lock, sync).',
        labelNames: ['operation'],
        registers,
      });
      this.storeDuration = new Histogram({
        name: METRIC.storeDuration,
        help: 'Time of each call to the shared store (Redis), by operation, failed ones included, in seconds.',
        labelNames: ['operation'],
        buckets: STORE_BUCKETS,
        registers,
      });
      // Present from the start, at 0, for every operation.
      for (const operation of ['read', 'write', 'get', 'delete', 'lock', 'sync']) this.storeErrors.inc({ operation }, 0);
    }
    const loginExpiry = () => this.loginExpiresAtMs();
    new Gauge({
      name: METRIC.loginExpiry,
      help: 'Seconds until the Claude Code login token expires (negative once expired); no sample for other credentials or an unreadable login.',
      // A label so that "unknown" can be no sample at all: a gauge without labels always shows a value.
      labelNames: ['credential'],
      registers,
      async collect() {
        const at = await loginExpiry();
        this.reset();
        if (at !== null) this.set({ credential: 'claude-login' }, (at - Date.now()) / 1000);
      },
    });
    const credentials = () => this.credentials();
    /** A gauge of one number per credential and label value, set from the snapshots at scrape time. */
    const perCredential = (name: string, help: string, label: 'window' | 'kind', values: (s: CredentialSnapshot) => Readonly<Record<string, number>>) =>
      new Gauge({
        name,
        help,
        labelNames: ['credential', label],
        registers,
        async collect() {
          const snapshots = await credentials();
          this.reset();
          for (const snapshot of snapshots) {
            for (const [key, value] of Object.entries(values(snapshot))) this.set({ credential: snapshot.credential, [label]: key }, value);
          }
        },
      });
    perCredential(
      METRIC.ratelimitUtilization,
      'Share of a credential\'s limit used, 0-1, as upstream last reported it: a subscription\'s windows (5h, 7d, ...) and an API key\'s documented kinds (requests, tokens, input-tokens, output-tokens) as used/limit.',
      'window',
      (s) => s.utilization,
    );
    perCredential(
      METRIC.ratelimitRemaining,
      'What is left of an API key\'s documented limits (anthropic-ratelimit-*-remaining), as upstream last reported it.',
      'kind',
      (s) => s.remaining,
    );
    this.failovers = new Counter({
      name: METRIC.failovers,
      help: 'Requests that left a credential for the next one, by reason.',
      labelNames: ['reason'],
      registers,
    });
    for (const reason of FAILOVER_REASONS) this.failovers.inc({ reason }, 0);
    new Gauge({
      name: METRIC.credentialAvailable,
      help: '1 while a credential may serve (not resting after a 429/529 or a spent plan window, not signed out), else 0.',
      labelNames: ['credential'],
      registers,
      async collect() {
        const snapshots = await credentials();
        this.reset();
        for (const { credential, available } of snapshots) this.set({ credential }, available ? 1 : 0);
      },
    });
    this.credentialExchanges = new Counter({
      name: METRIC.credentialExchanges,
      help: 'Attempts to obtain a token through the SDK (workload identity exchange, SDK profile) by credential and outcome: ok, identity_token_unreadable, identity_token_too_large, rejected, unavailable, misconfigured.',
      labelNames: ['credential', 'outcome'],
      registers,
    });
    const credentialExpiries = this.credentialExpiries;
    new Gauge({
      name: METRIC.credentialExpiry,
      help: 'Seconds until the token a workload identity or SDK profile credential holds expires (negative once expired); no sample before its first token.',
      labelNames: ['credential'],
      registers,
      collect() {
        this.reset();
        for (const [credential, expiresAtMs] of credentialExpiries) {
          const at = expiresAtMs();
          if (at !== null) this.set({ credential }, (at - Date.now()) / 1000);
        }
      },
    });
    const info = new Gauge({
      name: METRIC.info,
      help: 'Always 1; labels describe the running gateway.',
      labelNames: ['version'],
      registers,
    });
    info.set({ version: process.env.npm_package_version ?? 'unknown' }, 1);
    if (this.enabled) {
      collectDefaultMetrics({ register: this.registry });
      // Gauges named like counters, which Prometheus's linter (`promtool check metrics`) rejects;
      // the same counts stay exported, by type, as nodejs_active_handles, _requests and _resources.
      for (const name of MISNAMED_DEFAULT_METRICS) this.registry.removeSingleMetric(name);
    }
    if (this.enabled) this.startCountersAtZero();
  }

  /**
   * Every counter the dashboard shows has series from the start, at 0: a
   * fresh gateway's panels read 0 rather than "no data", and the first
   * increment of a series shows in `rate()` instead of being its starting
   * value. Label values known in advance are all there; the model, known
   * only from a request, starts as `other` (the label of models outside the
   * known families), with the status and stream of a plain answer.
   */
  private startCountersAtZero(): void {
    for (const type of UPSTREAM_ERROR_TYPES) this.upstreamErrors.inc({ type }, 0);
    for (const route of ANSWER_ROUTES) {
      this.clientDisconnects.inc({ route }, 0);
      this.requests.inc({ route, model: 'other', status: '200', stream: 'false' }, 0);
    }
    for (const trigger of REFRESH_TRIGGERS) {
      for (const outcome of REFRESH_OUTCOMES) this.refreshRuns.inc({ trigger, outcome }, 0);
    }
    this.tokensUsed('other', { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });
  }

  /** One answered request, whatever its outcome; called once per request when the response ends. */
  requestEnded(outcome: RequestOutcome): void {
    if (!this.enabled) return;
    const { route, model } = outcome;
    const stream = String(outcome.stream);
    this.requests.inc({ route, model, status: String(outcome.status), stream });
    this.requestDuration.observe({ route, model, stream }, outcome.durationSeconds);
  }

  firstToken(model: string, stream: boolean, seconds: number): void {
    if (this.enabled) this.timeToFirstToken.observe({ model, stream: String(stream) }, seconds);
  }

  upstreamEnded(model: string, outcome: 'ok' | 'error' | 'aborted', seconds: number): void {
    if (this.enabled) this.upstreamDuration.observe({ model, outcome }, seconds);
  }

  tokensUsed(model: string, counts: TokenCounts): void {
    if (!this.enabled) return;
    // Zero increments still create the series, so a model's cache ratio reads 0 rather than "no data".
    this.tokens.inc({ model, type: 'input' satisfies TokenKind }, counts.input);
    this.tokens.inc({ model, type: 'output' satisfies TokenKind }, counts.output);
    this.tokens.inc({ model, type: 'cache_read' satisfies TokenKind }, counts.cacheRead);
    this.tokens.inc({ model, type: 'cache_write' satisfies TokenKind }, counts.cacheWrite);
  }

  upstreamError(type: UpstreamErrorType): void {
    if (this.enabled) this.upstreamErrors.inc({ type });
  }

  streamOpened(): void {
    if (this.enabled) this.openStreams.inc();
  }

  streamClosed(): void {
    if (this.enabled) this.openStreams.dec();
  }

  clientDisconnected(route: RouteLabel): void {
    if (this.enabled) this.clientDisconnects.inc({ route });
  }

  refreshRan(trigger: string, outcome: (typeof REFRESH_OUTCOMES)[number]): void {
    if (this.enabled) this.refreshRuns.inc({ trigger, outcome });
  }

  /** One call to the shared store (Redis). */
  storeCalled(operation: string, seconds: number, ok: boolean): void {
    if (!this.enabled) return;
    this.storeDuration?.observe({ operation }, seconds);
    if (!ok) this.storeErrors?.inc({ operation });
  }

  /** Where the login's expiry is read from at scrape time (login mode only). */
  watchLoginExpiry(expiresAtMs: () => Promise<number | null>): void {
    this.loginExpiresAtMs = expiresAtMs;
  }

  failedOver(reason: FailoverReason): void {
    if (this.enabled) this.failovers.inc({ reason });
  }

  /** Where each credential's state and limits are read from at scrape time. */
  watchCredentials(snapshots: () => Promise<readonly CredentialSnapshot[]>): void {
    this.credentials = snapshots;
  }

  credentialExchanged(credential: string, outcome: string): void {
    if (this.enabled) this.credentialExchanges.inc({ credential, outcome });
  }

  /** Where a credential's token expiry is read at scrape time (held in memory: no I/O). */
  watchCredentialExpiry(credential: string, expiresAtMs: () => number | null): void {
    this.credentialExpiries.set(credential, expiresAtMs);
  }

  /** The exposition in Prometheus text format. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
