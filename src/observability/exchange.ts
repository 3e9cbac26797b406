import type { TokenCounts } from './metrics/gateway-metrics.js';
import type { UpstreamObserver } from '../upstream/upstream.port.js';

/**
 * What one request did, filled in as it happens and read once when the
 * response ends, to write the request's log line, its metrics and its span.
 * Plain data with timestamps: recording happens in one place (RequestObserver),
 * so the request path only notes facts.
 */
export class Exchange implements UpstreamObserver {
  /** `performance.now()` at arrival. */
  readonly startedAt = performance.now();
  /** The model as the client sent it. */
  model?: string;
  stream = false;
  upstreamStartedAt?: number;
  upstreamEndedAt?: number;
  upstreamOutcome?: 'ok' | 'error' | 'aborted';
  upstreamRequestId?: string;
  firstContentAt?: number;
  tokens?: TokenCounts;
  /** Anthropic's `stop_reason` (`end_turn`, `max_tokens`, `tool_use`, ...). */
  stopReason?: string;
  /** The error that ended the request, whether its status went out or it travelled in-band in a stream. */
  error?: unknown;
  /** Whether `error` came from upstream (its API, its connection or its stream), as opposed to the gateway or the client. */
  upstreamFailed = false;
  streamOpened = false;
  private upstreamSettled?: () => void;

  constructor(readonly id: string) {}

  /** Whether an upstream call started and has not ended yet (a client that leaves ends the response first). */
  get upstreamInFlight(): boolean {
    return this.upstreamStartedAt !== undefined && this.upstreamEndedAt === undefined;
  }

  /** Resolves when the upstream call ends, or after `limitMs` whatever happens. */
  upstreamEnd(limitMs: number): Promise<void> {
    if (!this.upstreamInFlight) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, limitMs);
      timer.unref();
      this.upstreamSettled = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  upstreamStarted(): void {
    this.upstreamStartedAt = performance.now();
  }

  upstreamAccepted(requestId: string | null): void {
    if (requestId) this.upstreamRequestId = requestId;
  }

  /** Once per request: the first event that carries generated content. */
  contentArrived(): void {
    this.firstContentAt ??= performance.now();
  }

  stopped(reason: string): void {
    this.stopReason = reason;
  }

  upstreamEnded(outcome: 'ok' | 'error' | 'aborted', tokens: TokenCounts | undefined): void {
    if (this.upstreamEndedAt !== undefined) return;
    this.upstreamEndedAt = performance.now();
    this.upstreamOutcome = outcome;
    this.tokens = tokens;
    this.upstreamSettled?.();
  }

  fail(error: unknown, fromUpstream: boolean): void {
    this.error ??= error;
    this.upstreamFailed ||= fromUpstream;
  }
}
