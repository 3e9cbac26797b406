import { Body, Controller, Delete, Get, HttpCode, Logger, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { tenantOf } from '../auth/tenant.js';
import { abortOnClose, describeExchange, sendJson, streamOpened } from '../streaming/answer-io.js';
import { UPSTREAM_REQUEST_ID } from '../common/errors/error-formats.js';
import { SseWriters } from '../streaming/sse-writers.js';
import { openStream } from '../streaming/stream-relay.js';
import { GatewayMetrics } from '../observability/metrics/gateway-metrics.js';
import { sessionHeader } from '../auth/pool/affinity.js';
import { CredentialPool } from '../auth/pool/credential-pool.js';
import type { Exchange } from '../observability/exchange.js';
import { CreateResponseDto } from './dto/create-response.dto.js';
import { ENCRYPTED_REASONING, type ResponseCaller, ResponsesService } from './responses.service.js';
import { failureEvents } from '../translation/responses/stream.mapper.js';

/** Names the built-in tools a request carried that Claude was not offered (also logged as a warning). */
export const OMITTED_TOOLS_HEADER = 'x-gateway-omitted-tools';

@Controller('v1/responses')
export class ResponsesController {
  private readonly logger = new Logger('Responses');

  constructor(
    private readonly responses: ResponsesService,
    private readonly metrics: GatewayMetrics,
    private readonly pool: CredentialPool,
    private readonly writers: SseWriters,
  ) {}

  @Post()
  @HttpCode(200)
  async create(@Body() body: CreateResponseDto, @Res() res: Response): Promise<void> {
    const signal = abortOnClose(res);
    // The request's metrics and log record, as for chat completions.
    const exchange = describeExchange(res, body.model, body.stream);
    try {
      if (body.stream) return await this.stream(body, res, signal, exchange);
      const { response, requestId, omittedTools, served } = await this.responses.create(body, caller(res, signal, exchange));
      setHeaders(res, requestId, omittedTools, this.pool.openAiHeaders(served));
      sendJson(res, response);
    } catch (error) {
      exchange?.fail(error, false);
      throw error;
    }
  }

  @Get(':id')
  get(@Param('id') id: string, @Query() query: Record<string, unknown>, @Req() req: Request) {
    // `include=a&include=b` (raw HTTP, Python) or `include[]=a` (the OpenAI Node SDK's array format).
    const wanted = [query.include, query['include[]']].flat().filter((v): v is string => typeof v === 'string');
    return this.responses.get(tenantOf(req), id, wanted.includes(ENCRYPTED_REASONING));
  }

  @Delete(':id')
  delete(@Param('id') id: string, @Req() req: Request) {
    return this.responses.delete(tenantOf(req), id);
  }

  private async stream(body: CreateResponseDto, res: Response, signal: AbortSignal, exchange?: Exchange): Promise<void> {
    // Errors until here (validation, store, credentials, upstream status) are ordinary JSON errors.
    const opened = await this.responses.open(body, caller(res, signal, exchange));
    // Set as for a JSON answer; the SSE headers join them when the stream opens.
    setHeaders(res, opened.requestId, opened.omittedTools, this.pool.openAiHeaders(opened.served));
    const sse = this.writers.for(res, false);
    // Returns once the stream is open; the relay goes on without this handler's frames (see openStream).
    void openStream(
      opened.events,
      sse,
      {
        write: (event) => sse.event(event.type, event),
        // As `error` and then `response.failed`.
        fail: async (error) => {
          for (const event of failureEvents(opened.state, error.toBody().error)) await sse.event(event.type, event);
        },
      },
      {
        headers: NO_HEADERS,
        cancel: opened.cancel,
        onOpened: () => streamOpened(exchange, this.metrics),
        signal,
        exchange,
        logger: this.logger,
      },
    );
  }
}

/** Who asks, for the service: the request's tenant, signal, record, body length and session header. */
function caller(res: Response, signal: AbortSignal, exchange?: Exchange): ResponseCaller {
  return { tenant: tenantOf(res.req), signal, observer: exchange, requestBytes: bodyBytes(res), sessionHeader: sessionHeader(res.req.headers) };
}

/**
 * The request body's length as read, where its header gives it: body-parser
 * refuses a body of another length. A compressed body (its length is not
 * what was parsed) or one sent in chunks has none; the store then measures
 * what it keeps itself.
 */
export function bodyBytes(res: Response): number | undefined {
  const { headers } = res.req;
  const length = headers['content-length'];
  const encoding = headers['content-encoding'];
  if (length === undefined || (encoding !== undefined && encoding.toLowerCase() !== 'identity')) return undefined;
  const bytes = Number(length);
  return Number.isSafeInteger(bytes) && bytes >= 0 ? bytes : undefined;
}

/** An answer's own headers, streamed or not, set one by one: no object to build and spread for each answer. */
function setHeaders(res: Response, requestId: string | null, omittedTools: string[], served: Record<string, string>): void {
  if (requestId) res.setHeader(UPSTREAM_REQUEST_ID, requestId);
  for (const name in served) res.setHeader(name, served[name]);
  if (omittedTools.length > 0) res.setHeader(OMITTED_TOOLS_HEADER, omittedTools.join(', '));
}

/** A stream's own headers are on the response already (`setHeaders`). */
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
