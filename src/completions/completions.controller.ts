import { Body, Controller, HttpCode, Logger, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { GatewayMetrics } from '../metrics/gateway-metrics.js';
import type { Exchange } from '../observability/exchange.js';
import { ChatCompletionRequestDto } from './dto/chat-completion-request.dto.js';
import { UPSTREAM_REQUEST_ID } from '../upstream/upstream.port.js';
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
    private readonly writers: SseWriters,
  ) {}

  @Post('chat/completions')
  @HttpCode(200)
  async create(@Body() body: ChatCompletionRequestDto, @Res() res: Response): Promise<void> {
    const signal = abortOnClose(res);
    const exchange = describeExchange(res, body.model, body.stream);
    try {
      if (body.stream) return await this.stream(body, res, signal, exchange);
      const { completion, requestId } = await this.completions.complete(body, signal, exchange);
      if (requestId) res.setHeader(UPSTREAM_REQUEST_ID, requestId);
      sendJson(res, completion);
    } catch (error) {
      exchange?.fail(error, false);
      throw error;
    }
  }

  private async stream(body: ChatCompletionRequestDto, res: Response, signal: AbortSignal, exchange?: Exchange): Promise<void> {
    // Errors until here (validation, credentials, upstream status) are ordinary JSON errors.
    const { chunks, requestId, cancel } = await this.completions.stream(body, signal, exchange);
    const sse = this.writers.for(res);
    // Returns once the stream is open; the relay goes on without this handler's frames (see openStream).
    void openStream(
      chunks,
      sse,
      { write: (chunk) => sse.data(chunk), fail: (error) => sse.data(error.toBody()) },
      {
        headers: requestId ? { [UPSTREAM_REQUEST_ID]: requestId } : {},
        cancel,
        onOpened: () => streamOpened(exchange, this.metrics),
        signal,
        exchange,
        logger: this.logger,
      },
    );
  }
}
