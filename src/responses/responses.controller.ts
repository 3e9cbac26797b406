import { Body, Controller, Delete, Get, HttpCode, Logger, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { redactSecrets } from '../common/redact.js';
import { toGatewayError } from '../common/to-gateway-error.js';
import { abortOnClose, UPSTREAM_REQUEST_ID } from '../completions/completions.controller.js';
import { SseWriter } from '../completions/sse-writer.js';
import { AppConfig } from '../config/app-config.js';
import { GatewayMetrics } from '../metrics/gateway-metrics.js';
import type { Exchange } from '../observability/exchange.js';
import { exchangeOf } from '../observability/request-observer.js';
import { CreateResponseDto } from './dto/create-response.dto.js';
import { ENCRYPTED_REASONING, ResponsesService } from './responses.service.js';
import { failureEvents } from './translation/stream.mapper.js';

/** Names the built-in tools a request carried that Claude was not offered (also logged as a warning). */
export const OMITTED_TOOLS_HEADER = 'x-gateway-omitted-tools';

@Controller('v1/responses')
export class ResponsesController {
  private readonly logger = new Logger('Responses');
  private readonly heartbeatMs: number;

  constructor(
    private readonly responses: ResponsesService,
    private readonly metrics: GatewayMetrics,
    config: AppConfig,
  ) {
    this.heartbeatMs = config.get('STREAM_HEARTBEAT_SECONDS') * 1000;
  }

  @Post()
  @HttpCode(200)
  async create(@Body() body: CreateResponseDto, @Res() res: Response): Promise<void> {
    const signal = abortOnClose(res);
    // The request's metrics and log record, as for chat completions.
    const exchange = exchangeOf(res);
    if (exchange) {
      exchange.model = body.model;
      exchange.stream = body.stream === true;
    }
    try {
      if (body.stream) return await this.stream(body, res, signal, exchange);
      const { response, requestId, omittedTools } = await this.responses.create(body, signal, exchange);
      // As chat completions answer: a string given to end() leaves with the header in one write.
      res.set({ ...headers(requestId, omittedTools), 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(response));
    } catch (error) {
      exchange?.fail(error, false);
      throw error;
    }
  }

  @Get(':id')
  get(@Param('id') id: string, @Query('include') include?: string | string[]) {
    const wanted = ([] as string[]).concat(include ?? []);
    return this.responses.get(id, wanted.includes(ENCRYPTED_REASONING));
  }

  @Delete(':id')
  delete(@Param('id') id: string) {
    return this.responses.delete(id);
  }

  private async stream(body: CreateResponseDto, res: Response, signal: AbortSignal, exchange?: Exchange): Promise<void> {
    // Errors until here (validation, store, credentials, upstream status) are ordinary JSON errors.
    const opened = await this.responses.open(body, signal, exchange);
    const sse = new SseWriter(res, this.heartbeatMs, false);
    sse.open(headers(opened.requestId, opened.omittedTools));
    if (exchange) {
      exchange.streamOpened = true;
      this.metrics.streamOpened();
    }
    try {
      for await (const event of opened.events) await sse.event(event.type, event);
      sse.end(true);
    } catch (error) {
      exchange?.fail(error, false);
      if (signal.aborted) return sse.end(false);
      // The status line has gone out: the failure travels in-band, as `error` and `response.failed`.
      this.logger.warn(redactSecrets(`stream failed after it started: ${(error as Error)?.message ?? error}`));
      const { error: detail } = toGatewayError(error).toBody();
      for (const event of failureEvents(opened.state, detail)) await sse.event(event.type, event);
      sse.end(false);
    }
  }
}

function headers(requestId: string | null, omittedTools: string[]): Record<string, string> {
  return {
    ...(requestId && { [UPSTREAM_REQUEST_ID]: requestId }),
    ...(omittedTools.length > 0 && { [OMITTED_TOOLS_HEADER]: omittedTools.join(', ') }),
  };
}
