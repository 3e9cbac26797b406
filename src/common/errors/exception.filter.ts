import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { closeIfBodyUnread } from '../body/unread-body.js';
import { errorFormatFor } from './error-formats.js';
import { GatewayError } from './gateway-error.js';
import { redactHeaders, redactSecrets } from '../redaction/redact.js';
import { toGatewayError } from './to-gateway-error.js';

/**
 * The single place an error becomes a response. It only renders, in the
 * shape of the door the request came in at (error-formats.ts): OpenAI's
 * `{"error":{message,type,param,code}}`, or Anthropic's
 * `{"type":"error","error":{type,message}}`; never a stack or a credential.
 * Terminus health reports keep their own, probe-friendly shape.
 */
@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    if (isHealthReport(exception)) {
      res.status(exception.getStatus()).json(exception.getResponse());
      return;
    }
    const error = toGatewayError(exception);
    if (error.status >= 500) this.logger.error(redactSecrets(`${error.status} ${describe(exception)}`));
    if (res.headersSent) {
      // A stream already started: the status line is gone, so end it; the
      // streaming code writes its own in-band error before it gets here.
      if (!res.writableEnded) res.end();
      return;
    }
    const req = http.getRequest<Request | undefined>();
    const format = errorFormatFor(req?.path ?? '', req?.headers);
    closeIfBodyUnread(res);
    res.status(error.status).set(redactHeaders(format.headers(error))).json(format.body(error));
  }
}

function isHealthReport(exception: unknown): exception is HttpException {
  if (!(exception instanceof HttpException)) return false;
  const response = exception.getResponse();
  return typeof response === 'object' && response !== null && 'details' in response;
}

/** Unexpected errors keep their stack for the operator; expected ones need only the message. */
function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  return e instanceof GatewayError || e instanceof HttpException ? `${e.name}: ${e.message}` : (e.stack ?? e.message);
}
