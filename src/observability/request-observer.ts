import { Inject, Injectable, Logger, type LoggerService, type LogLevel } from '@nestjs/common';
import type { Span } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { toGatewayError } from '../common/errors/to-gateway-error.js';
import { wasDropped } from '../common/http-server/answer-deadline.js';
import { redactSecrets } from '../common/redaction/redact.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';
import { modelLabel, type RouteLabel, routeLabel, upstreamErrorType } from './metrics/metric-labels.js';
import { Tracing } from './tracing/tracing.js';
import { PinoLogger } from './logging/pino-logger.js';
import { Exchange } from './exchange.js';
import { requestIdFrom } from './request-id.js';

/** Routes probed every few seconds: their request lines are debug-level, so they do not drown the rest, and they make no span. */
const QUIET_ROUTES = new Set(['/health', '/health/live', '/health/ready', '/metrics']);
/** The probes' paths as a request has them before routing (Express also routes them with a trailing slash). */
const PROBE_PATHS = new Set([...QUIET_ROUTES].flatMap((route) => [route, `${route}/`]));

/** The request line's logger context. */
const CONTEXT = 'Http';

/** The Exchange the observer attached to this response (absent only in code paths that bypass it, e.g. unit tests). */
export function exchangeOf(res: Response): Exchange | undefined {
  return res.locals.exchange as Exchange | undefined;
}

/** How long a request's record waits for an aborted upstream call to report its tokens. */
const UPSTREAM_SETTLE_MS = 5_000;

const seconds = (from: number, to: number) => (to - from) / 1000;
/** Milliseconds to a tenth, for log lines. */
const milliseconds = (from: number, to: number) => Math.round((to - from) * 10) / 10;

/**
 * The first thing every request meets: it takes or makes the request id (and
 * returns it as `x-request-id`), opens the request's span when tracing is on,
 * and when the response is over, whether it finished or the client left,
 * records the request once: its metrics, its one log line, its span.
 */
@Injectable()
export class RequestObserver {
  private readonly logger = new Logger(CONTEXT);

  constructor(
    private readonly metrics: GatewayMetrics,
    @Inject(Tracing) private readonly tracing: Tracing,
  ) {}

  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const exchange = new Exchange(requestIdFrom(req.headers['x-request-id']));
    res.locals.exchange = exchange;
    res.setHeader('x-request-id', exchange.id);
    // Probes come every few seconds from kubelets and scrapers: a trace of each would bury the requests.
    const span = PROBE_PATHS.has(req.path) ? null : this.tracing.startRequestSpan(req.method);
    // `on`, not `once`: a response closes once, and `once` wraps the listener in one more closure.
    res.on('close', () => {
      const endedAt = performance.now();
      // A client that left, or one whose unread answer was dropped (its reset still lets the response finish).
      const disconnected = !res.writableFinished || wasDropped(res);
      // A client that left closes the response before the aborted upstream call has
      // wound down; its tokens and outcome are known a moment later.
      if (exchange.upstreamInFlight) {
        void exchange.upstreamEnd(UPSTREAM_SETTLE_MS).then(() => this.finishSafely(req, res, exchange, span, endedAt, disconnected));
      } else {
        this.finishSafely(req, res, exchange, span, endedAt, disconnected);
      }
    });
    if (span) this.tracing.runInSpan(span, next);
    else next();
  };

  /**
   * Runs in the response's `close` listener, outside any request handler: a
   * throw there would be an uncaught exception and end the process, so
   * recording the request can fail only into the log.
   */
  private finishSafely(req: Request, res: Response, exchange: Exchange, span: Span | null, now: number, disconnected: boolean): void {
    try {
      this.finish(req, res, exchange, span, now, disconnected);
    } catch (error) {
      this.logger.error(redactSecrets(`recording a request failed: ${(error as Error)?.stack ?? error}`));
    }
  }

  private finish(req: Request, res: Response, exchange: Exchange, span: Span | null, now: number, disconnected: boolean): void {
    const route = routeLabel((req.route as { path?: unknown } | undefined)?.path);
    // Ended before the response did: the client left (nginx's 499 for the metrics and the log).
    const status = disconnected ? 499 : res.statusCode;
    const failure = exchange.error === undefined ? undefined : describeFailure(exchange);
    this.record(exchange, route, now, status, disconnected, failure);
    const level = QUIET_ROUTES.has(route) ? 'debug' : status >= 500 ? 'warn' : 'log';
    // Undefined once logging is switched off altogether (`Logger.overrideLogger(false)`).
    const logger = this.logger.localInstance as LevelAware | undefined;
    // LOG_LEVEL=warn hides the line of every answered request: then none is made.
    const logs = logger ? (logger.isLevelEnabled?.(level) ?? true) : false;
    if (!logs && !span) return;
    // The model as sent, for the log and the span: bounded in length, and redacted, since it is whatever a client typed.
    const sentModel = exchange.model === undefined ? undefined : redactSecrets(String(exchange.model).slice(0, 100));
    const ended: Ended = { route, status, now, disconnected, failure, sentModel };
    if (logger && logs) this.log(req, exchange, ended, level, logger);
    if (span) this.endSpan(span, req, exchange, ended);
  }

  private record(exchange: Exchange, route: RouteLabel, now: number, status: number, disconnected: boolean, failure: Failure | undefined): void {
    const model = modelLabel(exchange.model);
    const durationSeconds = seconds(exchange.startedAt, now);
    this.metrics.requestEnded({ route, model, status, stream: exchange.stream, durationSeconds });
    if (disconnected) this.metrics.clientDisconnected(route);
    if (exchange.streamOpened) this.metrics.streamClosed();
    if (exchange.firstContentAt !== undefined) {
      this.metrics.firstToken(model, exchange.stream, seconds(exchange.startedAt, exchange.firstContentAt));
    }
    if (exchange.upstreamStartedAt !== undefined) {
      const upstreamEnded = exchange.upstreamEndedAt ?? now;
      const outcome = exchange.upstreamOutcome ?? (disconnected ? 'aborted' : failure ? 'error' : 'ok');
      this.metrics.upstreamEnded(model, outcome, seconds(exchange.upstreamStartedAt, upstreamEnded));
    }
    if (exchange.tokens) this.metrics.tokensUsed(model, exchange.tokens);
    if (failure?.upstreamType) this.metrics.upstreamError(failure.upstreamType);
  }

  private log(
    req: Request,
    exchange: Exchange,
    { route, status, now, disconnected, failure, sentModel }: Ended,
    level: 'debug' | 'warn' | 'log',
    logger: LevelAware,
  ): void {
    const tokens = exchange.tokens;
    // One object literal of a fixed shape, absent fields undefined (pino leaves them out): the
    // line is written for every request, and pino serialises such an object fastest. `msg`
    // last, where pino writes the message, so PinoLogger can write the object as it is.
    const line = {
      request_id: exchange.id,
      method: req.method,
      route,
      status,
      duration_ms: milliseconds(exchange.startedAt, now),
      model: sentModel,
      stream: sentModel === undefined ? undefined : exchange.stream,
      upstream_request_id: exchange.upstreamRequestId,
      ttft_ms: exchange.firstContentAt === undefined ? undefined : milliseconds(exchange.startedAt, exchange.firstContentAt),
      input_tokens: tokens?.input,
      output_tokens: tokens?.output,
      cache_read_tokens: tokens?.cacheRead,
      cache_write_tokens: tokens?.cacheWrite,
      stop_reason: exchange.stopReason,
      error_type: failure?.type,
      upstream_error: failure?.upstreamType ?? undefined,
      client_disconnected: disconnected || undefined,
      msg: 'request completed',
    };
    if (logger instanceof PinoLogger) logger.line(level, CONTEXT, line);
    else this.logger[level](line);
  }

  /** The request's span, with the GenAI semantic conventions' attributes. */
  private endSpan(span: Span, req: Request, exchange: Exchange, { route, status, failure, sentModel }: Ended): void {
    const tokens = exchange.tokens;
    this.tracing.endRequestSpan(
      span,
      sentModel !== undefined ? `chat ${sentModel}` : `${req.method} ${route}`,
      {
        'http.route': route,
        'http.response.status_code': status,
        'gateway.request_id': exchange.id,
        ...(sentModel !== undefined && {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'anthropic',
          'gen_ai.request.model': sentModel,
        }),
        ...(sentModel !== undefined && exchange.stream && { 'gen_ai.request.stream': true }),
        // Named as the Anthropic SDK names them on its child span for the upstream call (its
        // internal/tracing.js), so one query finds a value on either span.
        ...(exchange.upstreamRequestId && { 'anthropic.request.id': exchange.upstreamRequestId }),
        ...(tokens && {
          // GenAI conventions: input tokens include cached ones, which are also given apart.
          'gen_ai.usage.input_tokens': tokens.input + tokens.cacheRead + tokens.cacheWrite,
          'gen_ai.usage.output_tokens': tokens.output,
          'gen_ai.usage.cache_read.input_tokens': tokens.cacheRead,
          'gen_ai.usage.cache_write.input_tokens': tokens.cacheWrite,
        }),
        ...(exchange.stopReason && { 'anthropic.message.stop_reason': exchange.stopReason }),
      },
      failure ? { type: failure.type, message: failure.message } : status >= 500 ? { type: String(status), message: '' } : undefined,
    );
  }
}

/** How a request ended, as its record, its log line and its span all need it. */
interface Ended {
  route: RouteLabel;
  status: number;
  now: number;
  disconnected: boolean;
  failure: Failure | undefined;
  sentModel: string | undefined;
}

type Failure = ReturnType<typeof describeFailure>;

/** The application's logger; PinoLogger and Nest's ConsoleLogger tell whether a level is on, a test's capturing logger need not. */
type LevelAware = LoggerService & { isLevelEnabled?(level: LogLevel): boolean };

function describeFailure(exchange: Exchange) {
  const error = toGatewayError(exchange.error);
  const upstreamType = upstreamErrorType(error.status, error.code, exchange.upstreamFailed);
  return { type: upstreamType ?? error.type, upstreamType, message: error.message };
}
