import Anthropic from '@anthropic-ai/sdk';
import type { GatewayError } from '../common/errors/gateway-error.js';
import type { TokenCounts } from '../observability/metrics/gateway-metrics.js';

/**
 * What the upstream port tells about one call, for the request's metrics,
 * log line and span. The request's Exchange implements it; the port knows
 * nothing of where the facts go.
 */
export interface UpstreamObserver {
  upstreamStarted(): void;
  upstreamAccepted(requestId: string | null): void;
  /** The first event that carries generated content (text, thinking, tool input). */
  contentArrived(): void;
  stopped(reason: string): void;
  /** Once, however the call ended; `tokens` as far as upstream reported them. */
  upstreamEnded(outcome: 'ok' | 'error' | 'aborted', tokens: TokenCounts | undefined): void;
  /** `fromUpstream`: Anthropic, its connection or its stream failed (not the client, not our credential). */
  fail(error: unknown, fromUpstream: boolean): void;
}

/** Whether a GatewayError from the port stands for upstream failing. */
export function isUpstreamFailure(error: GatewayError): boolean {
  if (error.status === 499) return false;
  return error.cause instanceof Anthropic.APIError || (error.code?.startsWith('upstream_') ?? false);
}

interface Usage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

/**
 * `message_delta` usage is cumulative and may leave fields out: a field it
 * sends replaces the one before. Only a count replaces one: the metrics
 * counter throws on anything else, long after the request has been answered.
 */
export function mergeUsage(counts: TokenCounts, usage: Usage): TokenCounts {
  return {
    input: count(usage.input_tokens, counts.input),
    output: count(usage.output_tokens, counts.output),
    cacheRead: count(usage.cache_read_input_tokens, counts.cacheRead),
    cacheWrite: count(usage.cache_creation_input_tokens, counts.cacheWrite),
  };
}

const count = (value: unknown, before: number): number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : before;

/** What a stream's one generator (`watchedEvents`) tells about the events passing through it. */
export interface EventNotes<E> {
  event(event: E): void;
  completed(): void;
  failed(failure: GatewayError): void;
  ended(): void;
}

/**
 * What a streamed call tells its observer, noted by the stream's one
 * generator (`watchedEvents`) rather than by a generator of its own around
 * it: first content, stop reason, token usage, and how the call ended. The
 * tokens are reported however it ends: what upstream counted was spent even
 * when the answer never reached the client.
 */
export class StreamNotes implements EventNotes<Anthropic.RawMessageStreamEvent> {
  private readonly tokens: Tokens = { counts: undefined };
  private outcome: 'ok' | 'error' | 'aborted' = 'aborted';

  constructor(private readonly observer: UpstreamObserver) {}

  event(event: Anthropic.RawMessageStreamEvent): void {
    note(event, this.tokens, this.observer);
  }

  completed(): void {
    this.outcome = 'ok';
  }

  /** The stream failed with `failure` (a consumer that stops reading early is `aborted`, and no failure). */
  failed(failure: GatewayError): void {
    this.outcome = failure.status === 499 ? 'aborted' : 'error';
    this.observer.fail(failure, isUpstreamFailure(failure));
  }

  /** Once, however the stream ended. */
  ended(): void {
    this.observer.upstreamEnded(this.outcome, this.tokens.counts);
  }
}

/**
 * A whole message's events, already all there: noted at once and handed on
 * as the same list, so the non-streaming path keeps folding them without
 * awaiting between events.
 */
export function observedList(
  events: readonly Anthropic.RawMessageStreamEvent[],
  observer: UpstreamObserver,
): readonly Anthropic.RawMessageStreamEvent[] {
  const tokens: Tokens = { counts: undefined };
  for (const event of events) note(event, tokens, observer);
  observer.upstreamEnded('ok', tokens.counts);
  return events;
}

interface Tokens {
  counts: TokenCounts | undefined;
}

/**
 * What one event tells the observer: first content, stop reason, token usage
 * so far. Watching never fails a request: an event without the documented
 * shape is noted as far as it goes, and the translation that follows names
 * it to the client (a 502 `upstream_malformed_event`).
 */
function note(event: Anthropic.RawMessageStreamEvent, tokens: Tokens, observer: UpstreamObserver): void {
  try {
    noteEvent(event, tokens, observer);
  } catch {
    // See above: the translation reports it.
  }
}

function noteEvent(event: Anthropic.RawMessageStreamEvent, tokens: Tokens, observer: UpstreamObserver): void {
  switch (event.type) {
    case 'message_start':
      tokens.counts = mergeUsage({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, event.message.usage);
      break;
    case 'content_block_start':
      if (event.content_block.type === 'tool_use') observer.contentArrived();
      break;
    case 'content_block_delta':
      observer.contentArrived();
      break;
    case 'message_delta':
      if (tokens.counts) tokens.counts = mergeUsage(tokens.counts, event.usage);
      if (event.delta.stop_reason) observer.stopped(event.delta.stop_reason);
      break;
  }
}
