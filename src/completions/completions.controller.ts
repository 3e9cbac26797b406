import { Body, Controller, HttpCode, Logger, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { tenantOf } from '../auth/tenant.js';
import { GatewayMetrics } from '../observability/metrics/gateway-metrics.js';
import { conversationKey, sessionHeader } from '../auth/pool/affinity.js';
import { CredentialPool } from '../auth/pool/credential-pool.js';
import type { Exchange } from '../observability/exchange.js';
import { ChatCompletionRequestDto } from './dto/chat-completion-request.dto.js';
import { UPSTREAM_REQUEST_ID } from '../common/errors/error-formats.js';
import type { Route } from '../upstream/upstream.port.js';
import { abortOnClose, describeExchange, sendJson, streamOpened } from '../streaming/answer-io.js';
import { CompletionsService } from './completions.service.js';
import { SseWriters } from '../streaming/sse-writers.js';
import { openStream } from '../streaming/stream-relay.js';

@Controller('v1')
export class CompletionsController {
  private readonly logger = new Logger('Completions');

  constructor(
    private readonly completions: CompletionsService,
    private readonly metrics: GatewayMetrics,
    private readonly pool: CredentialPool,
    private readonly writers: SseWriters,
  ) {}

  @Post('chat/completions')
  @HttpCode(200)
  async create(@Body() body: ChatCompletionRequestDto, @Res() res: Response): Promise<void> {
    const signal = abortOnClose(res);
    const exchange = describeExchange(res, body.model, body.stream);
    const route = { affinity: conversationKey({ promptCacheKey: body.prompt_cache_key, sessionHeader: sessionHeader(res.req.headers), user: body.user }) };
    try {
      if (body.stream) return await this.stream(body, res, signal, route, exchange);
      const { completion, requestId, served } = await this.completions.complete(body, tenantOf(res.req), signal, exchange, route);
      if (requestId) res.setHeader(UPSTREAM_REQUEST_ID, requestId);
      for (const [name, value] of Object.entries(this.pool.openAiHeaders(served))) res.setHeader(name, value);
      sendJson(res, completion);
    } catch (error) {
      exchange?.fail(error, false);
      throw error;
    }
  }

  private async stream(body: ChatCompletionRequestDto, res: Response, signal: AbortSignal, route: Route, exchange?: Exchange): Promise<void> {
    // Errors until here (validation, credentials, upstream status) are ordinary JSON errors.
    const { chunks, requestId, cancel, served } = await this.completions.stream(body, tenantOf(res.req), signal, exchange, route);
    const headers = this.pool.openAiHeaders(served);
    if (requestId) headers[UPSTREAM_REQUEST_ID] = requestId;
    const sse = this.writers.for(res);
    // Returns once the stream is open; the relay goes on without this handler's frames (see openStream).
    void openStream(
      chunks,
      sse,
      { write: (chunk) => sse.data(chunk), fail: (error) => sse.data(error.toBody()) },
      {
        headers,
        cancel,
        onOpened: () => streamOpened(exchange, this.metrics),
        signal,
        exchange,
        logger: this.logger,
      },
    );
  }
}
