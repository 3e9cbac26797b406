import type Anthropic from '@anthropic-ai/sdk';
import { GatewayError } from '../common/errors/gateway-error.js';
import { clientClosed, fromUpstream, upstreamSilent as silence } from './upstream-errors.js';
import type { EventNotes } from './upstream-observer.js';

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
 *
 * Silence is timed by one timer per stream, pushed back at every event:
 * when it fires, upstream is aborted, which ends the read in progress, and
 * the stream fails with a 504. No promise race per event: each event costs
 * one `refresh()`, which matters at thousands of events a second. It counts
 * only while a read waits on upstream: the time the consumer holds an event
 * (a client that pauses reading, back-pressure) is the client's, timed by
 * the writer, never upstream's silence.
 *
 * The events are the SDK's parsed ones for the translating doors, or
 * upstream's own SSE text, one event at a time, for the pass-through door
 * (sse-events.ts): only their `type` is read here.
 *
 * `notes`: what the stream tells the request's observer (upstream-observer.ts),
 * noted here rather than by a generator of its own around this one: every
 * layer costs each open stream its frames, and each event a hop.
 */
export async function* watchedEvents<E extends { readonly type: string } = Anthropic.RawMessageStreamEvent>(
  events: AsyncIterable<E>,
  watch: StreamWatch,
  notes?: EventNotes<E>,
): AsyncGenerator<E> {
  let silent = false;
  let waiting = true;
  const timer = setTimeout(() => {
    // Fired while the consumer held an event: the client's turn; the next read starts the count again.
    if (!waiting) return;
    silent = true;
    watch.abortUpstream();
  }, watch.silenceMs);
  let stopped = false;
  let drained = false;
  try {
    try {
      for await (const event of events) {
        if (event.type === 'message_stop') stopped = true;
        notes?.event(event);
        waiting = false;
        yield event;
        waiting = true;
        timer.refresh();
      }
      drained = true;
    } catch (error) {
      throw silent ? silence() : watch.client.aborted ? clientClosed() : fromUpstream(error);
    } finally {
      clearTimeout(timer);
      // A consumer that stops early (a size cap, an error of its own) leaves
      // nobody to read the rest: stop upstream rather than leave it talking.
      if (!drained) watch.abortUpstream();
    }
    if (silent) throw silence();
    // The SDK ends a stream quietly when it is aborted: that is the client leaving, not upstream failing.
    if (watch.client.aborted) throw clientClosed();
    // A stream that ends without message_stop was cut short: say so rather than finish quietly.
    if (!stopped) {
      throw new GatewayError(502, 'The upstream stream ended before the message was complete.', {
        type: 'api_error',
        code: 'upstream_stream_incomplete',
      });
    }
    notes?.completed();
  } catch (error) {
    const failure = fromUpstream(error);
    notes?.failed(failure);
    throw failure;
  } finally {
    // Once upstream has been stopped, as above, however the stream ended (a consumer leaving early too).
    notes?.ended();
  }
}
