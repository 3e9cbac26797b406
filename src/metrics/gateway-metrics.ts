import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { AppConfig } from '../config/app-config.js';
import type { RouteLabel, UpstreamErrorType } from './metric-labels.js';
import { CounterSeries, HistogramSeries } from './series.js';

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
  credentialExchanges: 'claude_proxy_credential_exchanges_total',
  credentialExpiry: 'claude_proxy_credential_expires_in_seconds',
  info: 'claude_proxy_info',
} as const;

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

/** Seconds: LLM answers take from well under a second to many minutes. */
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600];
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
  private readonly credentialExchanges: Counter<'credential' | 'outcome'>;
  /** Credentials whose tokens the SDK obtains, by name: when the token each holds expires (epoch ms). */
  private readonly credentialExpiries = new Map<string, () => number | null>();
  // What each request records, found by label values rather than by prom-client's string per call (series.ts).
  private readonly requestSeries: CounterSeries<'route' | 'model' | 'status' | 'stream'>;
  private readonly requestDurationSeries: HistogramSeries<'route' | 'model' | 'stream'>;
  private readonly timeToFirstTokenSeries: HistogramSeries<'model' | 'stream'>;
  private readonly upstreamDurationSeries: HistogramSeries<'model' | 'outcome'>;
  private readonly tokenSeries: CounterSeries<'model' | 'type'>;
  /** Read at scrape time (one `stat` of the login file), so the value is always current. */
  private loginExpiresAtMs: () => Promise<number | null> = async () => null;

  constructor(config: AppConfig) {
    this.enabled = config.get('METRICS_ENABLED') === 'true';
    const registers = this.enabled ? [this.registry] : [];
    const requests = new Counter({
      name: METRIC.requests,
      help: 'Requests answered, by route, model (family or `other`), HTTP status and whether the client streamed.',
      labelNames: ['route', 'model', 'status', 'stream'],
      registers,
    });
    const requestDuration = new Histogram({
      name: METRIC.requestDuration,
      help: 'Time from request to the last byte of the answer, in seconds.',
      labelNames: ['route', 'model', 'stream'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    const timeToFirstToken = new Histogram({
      name: METRIC.timeToFirstToken,
      help: 'Time from request to the first generated content (text, thinking or tool call), in seconds.',
      labelNames: ['model', 'stream'],
      buckets: TTFT_BUCKETS,
      registers,
    });
    const upstreamDuration = new Histogram({
      name: METRIC.upstreamDuration,
      help: 'Time from the upstream call to the end of its stream (or its failure), in seconds.',
      labelNames: ['model', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    const tokens = new Counter({
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
    if (this.enabled) collectDefaultMetrics({ register: this.registry });
    this.requestSeries = new CounterSeries(requests, (route: RouteLabel, model: string, status: number, stream: boolean) => ({
      route,
      model,
      status: String(status),
      stream: String(stream),
    }));
    this.requestDurationSeries = new HistogramSeries(requestDuration, DURATION_BUCKETS, (route: RouteLabel, model: string, stream: boolean) => ({
      route,
      model,
      stream: String(stream),
    }));
    this.timeToFirstTokenSeries = new HistogramSeries(timeToFirstToken, TTFT_BUCKETS, (model: string, stream: boolean) => ({
      model,
      stream: String(stream),
    }));
    this.upstreamDurationSeries = new HistogramSeries(upstreamDuration, DURATION_BUCKETS, (model: string, outcome: string) => ({ model, outcome }));
    this.tokenSeries = new CounterSeries(tokens, (model: string, type: TokenKind) => ({ model, type }));
  }

  /** One answered request, whatever its outcome; called once per request when the response ends. */
  requestEnded(outcome: RequestOutcome): void {
    if (!this.enabled) return;
    this.requestSeries.inc(1, outcome.route, outcome.model, outcome.status, outcome.stream);
    this.requestDurationSeries.observe(outcome.durationSeconds, outcome.route, outcome.model, outcome.stream);
  }

  firstToken(model: string, stream: boolean, seconds: number): void {
    if (this.enabled) this.timeToFirstTokenSeries.observe(seconds, model, stream);
  }

  upstreamEnded(model: string, outcome: 'ok' | 'error' | 'aborted', seconds: number): void {
    if (this.enabled) this.upstreamDurationSeries.observe(seconds, model, outcome);
  }

  tokensUsed(model: string, counts: TokenCounts): void {
    if (!this.enabled) return;
    // Zero increments still create the series, so a model's cache ratio reads 0 rather than "no data".
    this.tokenSeries.inc(counts.input, model, 'input' satisfies TokenKind);
    this.tokenSeries.inc(counts.output, model, 'output' satisfies TokenKind);
    this.tokenSeries.inc(counts.cacheRead, model, 'cache_read' satisfies TokenKind);
    this.tokenSeries.inc(counts.cacheWrite, model, 'cache_write' satisfies TokenKind);
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

  refreshRan(trigger: string, outcome: 'renewed' | 'unchanged' | 'failed'): void {
    if (this.enabled) this.refreshRuns.inc({ trigger, outcome });
  }

  /** Where the login's expiry is read from at scrape time (login mode only). */
  watchLoginExpiry(expiresAtMs: () => Promise<number | null>): void {
    this.loginExpiresAtMs = expiresAtMs;
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
