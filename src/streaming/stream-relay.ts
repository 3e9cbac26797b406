import type { Logger } from '@nestjs/common';
import type { GatewayError } from '../common/errors/gateway-error.js';
import { redactSecrets } from '../common/redaction/redact.js';
import { toGatewayError } from '../common/errors/to-gateway-error.js';
import type { Exchange } from '../observability/exchange.js';
import { ClientStalledError, type SseWriter } from './sse-writer.js';

/** How one API writes its stream: an item, and a failure after the first byte. */
export interface StreamFormat<T> {
  write(item: T): Promise<void>;
  /** The status line has gone out: the error travels in-band, where OpenAI SDKs raise it. */
  fail(error: GatewayError): Promise<void>;
}

export interface RelayContext {
  /** The response's headers besides the SSE ones. */
  headers: Record<string, string>;
  /** Stops the upstream call: for when the stream cannot even be opened. */
  cancel: () => void;
  /** Once the status line and headers are out (metrics count open streams from here). */
  onOpened: () => void;
  signal: AbortSignal;
  exchange?: Exchange;
  logger: Logger;
}

/**
 * Opens the SSE response and relays a translated stream to it until it
 * ends, and decides how it ends: completed; the client stalled (dropped, its
 * own log line, upstream stopped); the client gone (nobody left to tell); or
 * failed (in-band error). Whatever happens, the writer is ended (its
 * heartbeat stopped) and upstream is not left talking to nobody. Shared by
 * every streaming endpoint so they end alike.
 *
 * Throws at once when the response cannot be opened (upstream stopped
 * first); otherwise it hands the relay over and returns. The returned
 * promise settles when the stream ends and never rejects, so a request
 * handler need not wait for it: one that awaited the whole stream would keep
 * its own frames and the framework's around them (the request's DTO among
 * them) for as long as the stream stays open, about a fifth of an idle open
 * stream's heap.
 */
export function openStream<T>(
  items: AsyncIterable<T>,
  sse: SseWriter,
  format: StreamFormat<T>,
  context: RelayContext,
): Promise<void> {
  try {
    sse.open(context.headers);
  } catch (error) {
    // Nothing has read the events yet, so leaving them would not stop upstream.
    context.cancel();
    throw error;
  }
  context.onOpened();
  // Nobody awaits an open relay: whatever it could still throw is logged here, never left unhandled.
  return relay(items, sse, format, context).catch((error) =>
    context.logger.error(redactSecrets(`stream relay failed: ${(error as Error)?.message ?? error}`)),
  );
}

async function relay<T>(
  items: AsyncIterable<T>,
  sse: SseWriter,
  format: StreamFormat<T>,
  { signal, exchange, logger }: RelayContext,
): Promise<void> {
  let completed = false;
  try {
    for await (const item of items) await format.write(item);
    completed = true;
  } catch (error) {
    exchange?.fail(error, false);
    if (error instanceof ClientStalledError) {
      logger.warn(`stream dropped: ${error.message}; upstream call stopped`);
    } else if (!signal.aborted) {
      logger.warn(redactSecrets(`stream failed after it started: ${(error as Error)?.message ?? error}`));
      // The in-band error may itself meet a client that stopped reading: that ends here too.
      await format.fail(toGatewayError(error)).catch(() => undefined);
    }
  } finally {
    sse.end(completed);
  }
}
