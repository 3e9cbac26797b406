import type { Response } from 'express';
import type { GatewayMetrics } from '../observability/metrics/gateway-metrics.js';
import type { Exchange } from '../observability/exchange.js';
import { exchangeOf } from '../observability/request-observer.js';

/** The request's record (metrics, log line, span), told the model and whether the answer streams. */
export function describeExchange(res: Response, model: unknown, stream: boolean | null | undefined): Exchange | undefined {
  const exchange = exchangeOf(res);
  if (exchange) {
    exchange.model = model as string;
    exchange.stream = stream === true;
  }
  return exchange;
}

/** Once a stream's status line is out: metrics count it open until the response closes. */
export function streamOpened(exchange: Exchange | undefined, metrics: GatewayMetrics): void {
  if (!exchange) return;
  exchange.streamOpened = true;
  metrics.streamOpened();
}

/**
 * What `res.json()` sends, without its detour: Express turns a body over
 * 1,000 characters into a Buffer to count it, and the header and that
 * Buffer then leave in two pieces. A string given to `end()` is counted by
 * Node and leaves with the header in one write.
 */
export function sendJson(res: Response, body: unknown): void {
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/** Aborts the upstream call when the client goes away before its answer, so no tokens are spent for nobody. */
export function abortOnClose(res: Response): AbortSignal {
  const controller = new AbortController();
  // `on`, not `once`: a response closes once, and `once` would keep a wrapper
  // and a bound function alive for as long as a stream stays open.
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
