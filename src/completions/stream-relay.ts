import type { Logger } from '@nestjs/common';
import type { GatewayError } from '../common/gateway-error.js';
import { redactSecrets } from '../common/redact.js';
import { toGatewayError } from '../common/to-gateway-error.js';
import type { Exchange } from '../observability/exchange.js';
import { ClientStalledError, type SseWriter } from './sse-writer.js';

/** How one API writes its stream: an item, and a failure after the first byte. */
export interface StreamFormat<T> {
  write(item: T): Promise<void>;
  /** The status line has gone out: the error travels in-band, where OpenAI SDKs raise it. */
  fail(error: GatewayError): Promise<void>;
}

export interface RelayContext {
  signal: AbortSignal;
  exchange?: Exchange;
  logger: Logger;
}

/**
 * Relays a translated stream to an opened SSE response until it ends, and
 * decides how it ends: completed; the client stalled (dropped, its own log
 * line, upstream stopped); the client gone (nobody left to tell); or failed
 * (in-band error). Shared by every streaming endpoint so they end alike.
 */
export async function relayStream<T>(
  items: AsyncIterable<T>,
  sse: SseWriter,
  format: StreamFormat<T>,
  { signal, exchange, logger }: RelayContext,
): Promise<void> {
  try {
    for await (const item of items) await format.write(item);
    sse.end(true);
  } catch (error) {
    exchange?.fail(error, false);
    if (error instanceof ClientStalledError) {
      logger.warn(`stream dropped: ${error.message}; upstream call stopped`);
      return sse.end(false);
    }
    if (signal.aborted) return sse.end(false);
    logger.warn(redactSecrets(`stream failed after it started: ${(error as Error)?.message ?? error}`));
    await format.fail(toGatewayError(error));
    sse.end(false);
  }
}
