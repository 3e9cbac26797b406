import { Controller, HttpCode, Logger, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { forwardedBytes } from '../common/body/json-body.middleware.js';
import { ANTHROPIC_ERRORS } from '../common/errors/error-formats.js';
import { invalidRequest } from '../common/errors/gateway-error.js';
import { GatewayMetrics } from '../observability/metrics/gateway-metrics.js';
import type { Exchange } from '../observability/exchange.js';
import { abortOnClose, describeExchange, streamOpened } from '../streaming/answer-io.js';
import { SseWriters } from '../streaming/sse-writers.js';
import { openStream } from '../streaming/stream-relay.js';
import { type ForwardedAnswer, UpstreamPort } from '../upstream/upstream.port.js';
import { forwardedHeaders } from './forwarded-headers.js';
import { conversationKey, sessionHeader } from '../auth/pool/affinity.js';

type StreamedAnswer = Extract<ForwardedAnswer, { kind: 'sse' }>;

/**
 * The Anthropic door: Claude Code and the Anthropic SDKs, pointed at the
 * gateway, call the Messages API here. A pass-through: the body goes
 * upstream as the client sent it, the answer comes back as upstream sent it
 * (a stream event by event, never parsed and written again); the gateway
 * adds its credential, its client keys and limits, and its records.
 */
@Controller('v1')
export class MessagesController {
  private readonly logger = new Logger('Messages');

  constructor(
    private readonly upstream: UpstreamPort,
    private readonly metrics: GatewayMetrics,
    private readonly writers: SseWriters,
  ) {}

  @Post('messages')
  @HttpCode(200)
  messages(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.forward('/v1/messages', req, res);
  }

  @Post('messages/count_tokens')
  @HttpCode(200)
  countTokens(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.forward('/v1/messages/count_tokens', req, res);
  }

  private async forward(path: string, req: Request, res: Response): Promise<void> {
    const body = forwardedBytes(req);
    if (!body) throw invalidRequest('The request body is empty: send the Messages API request as JSON.');
    // Read, never rewritten: the model and whether it streams, for the request's record.
    const { model, stream, metadata } = (req.body ?? {}) as { model?: unknown; stream?: unknown; metadata?: { user_id?: unknown } };
    const signal = abortOnClose(res);
    const exchange = describeExchange(res, typeof model === 'string' ? model : undefined, stream === true);
    try {
      const call = { path: path + queryOf(req.originalUrl), body, headers: forwardedHeaders(req.headers) };
      // Claude Code's metadata.user_id names its session: a conversation stays on one credential (and its prompt cache).
      const user = typeof metadata?.user_id === 'string' ? metadata.user_id : undefined;
      const route = { affinity: conversationKey({ sessionHeader: sessionHeader(req.headers), user }) };
      const answer = await this.upstream.forward(call, signal, exchange, route);
      if (answer.kind === 'sse') return this.relay(answer, res, signal, exchange);
      // setHeader, not Express's set(), which would add a charset to upstream's content-type.
      res.statusCode = answer.status;
      res.setHeader('content-type', 'application/json');
      for (const name in answer.headers) res.setHeader(name, answer.headers[name]);
      res.end(answer.body);
    } catch (error) {
      exchange?.fail(error, false);
      throw error;
    }
  }

  /** Relays upstream's events as written; a failure after the first byte is an Anthropic `error` event, unless upstream sent its own. */
  private relay(answer: StreamedAnswer, res: Response, signal: AbortSignal, exchange?: Exchange): void {
    const sse = this.writers.for(res, false);
    let upstreamSentError = false;
    void openStream(
      answer.events,
      sse,
      {
        write: (event) => {
          if (event.type === 'error') upstreamSentError = true;
          return sse.raw(event.text);
        },
        fail: (error) => (upstreamSentError ? Promise.resolve() : sse.event('error', ANTHROPIC_ERRORS.body(error))),
      },
      {
        headers: answer.headers,
        cancel: answer.cancel,
        onOpened: () => streamOpened(exchange, this.metrics),
        signal,
        exchange,
        logger: this.logger,
      },
    );
  }
}

/** The query string as the client sent it (`?beta=true`), or nothing. */
function queryOf(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at);
}
