import type Anthropic from '@anthropic-ai/sdk';
import { GatewayError } from '../common/gateway-error.js';
import { clientClosed, fromUpstream } from './upstream-errors.js';

export interface StreamWatch {
  /** The client's signal: once it fires, the end of the stream is the client leaving, not upstream failing. */
  client: AbortSignal;
  abortUpstream: () => void;
  /** UPSTREAM_TIMEOUT_MS: the longest upstream may stay silent between two events. */
  silenceMs: number;
}

/**
 * Upstream's events, passed through one by one, with the guarantees the
 * features rely on: a stream either ends with `message_stop` or throws a
 * GatewayError (upstream silent too long: 504; connection broken or stream
 * cut short: 502; an `error` event: its own status; the client gone: 499).
 */
export async function* watchedEvents(
  events: AsyncIterable<Anthropic.RawMessageStreamEvent>,
  watch: StreamWatch,
): AsyncGenerator<Anthropic.RawMessageStreamEvent> {
  const upstream = events[Symbol.asyncIterator]();
  const silence = new SilenceTimer(watch);
  let stopped = false;
  try {
    for (;;) {
      let next: IteratorResult<Anthropic.RawMessageStreamEvent>;
      try {
        next = await silence.race(upstream.next());
      } catch (error) {
        throw watch.client.aborted ? clientClosed() : fromUpstream(error);
      }
      if (next.done) break;
      if (next.value.type === 'message_stop') stopped = true;
      yield next.value;
    }
  } finally {
    silence.stop();
  }
  // The SDK ends a stream quietly when it is aborted: that is the client leaving, not upstream failing.
  if (watch.client.aborted) throw clientClosed();
  // A stream that ends without message_stop was cut short: say so rather than finish quietly.
  if (!stopped) {
    throw new GatewayError(502, 'The upstream stream ended before the message was complete.', {
      type: 'api_error',
      code: 'upstream_stream_incomplete',
    });
  }
}

/**
 * One timer per stream, pushed back at every event (not one per event): when
 * upstream stays silent for UPSTREAM_TIMEOUT_MS it is aborted and the read
 * fails with a 504.
 */
class SilenceTimer {
  private readonly timer: NodeJS.Timeout;
  private readonly silent: Promise<never>;
  private pending: Promise<unknown> | null = null;

  constructor(watch: StreamWatch) {
    let fail!: (error: unknown) => void;
    this.silent = new Promise<never>((_, reject) => (fail = reject));
    this.silent.catch(() => undefined);
    this.timer = setTimeout(() => {
      // Once aborted, the read in progress settles on its own; nobody waits for it any more.
      this.pending?.catch(() => undefined);
      watch.abortUpstream();
      fail(
        new GatewayError(504, 'The upstream Anthropic API stopped sending in the middle of the answer.', {
          code: 'upstream_timeout',
        }),
      );
    }, watch.silenceMs);
  }

  async race<T>(read: Promise<T>): Promise<T> {
    this.pending = read;
    const result = await Promise.race([read, this.silent]);
    this.timer.refresh();
    return result;
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
