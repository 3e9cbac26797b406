import Anthropic from '@anthropic-ai/sdk';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { TranslationError } from '../completions/translation/translation-error.js';
import { invalidRequest, OpenAIHttpException } from './openai-error.js';
import { redactSecrets } from './redact.js';
import { fromUpstreamError } from './upstream-errors.js';

const TYPES_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  405: 'invalid_request_error',
  413: 'invalid_request_error',
  415: 'invalid_request_error',
  429: 'rate_limit_error',
};

/** body-parser's errors carry a `type` such as `entity.parse.failed`. */
interface BodyParserError {
  type: string;
  status: number;
}

/**
 * The single place an error becomes a response: always OpenAI's
 * `{"error":{message,type,param,code}}`, never a stack or a credential.
 */
@Catch()
export class OpenAIExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const error = toOpenAIException(exception);
    if (error.getStatus() >= 500) {
      this.logger.error(redactSecrets(`${error.getStatus()} ${describe(exception)}`));
    }
    if (res.headersSent) {
      // A stream already started: the status line is gone, so end it; the
      // streaming code writes its own in-band error before it gets here.
      if (!res.writableEnded) res.end();
      return;
    }
    res.status(error.getStatus()).set(error instanceof OpenAIHttpException ? error.headers : {}).json(clientBody(error));
  }
}

/** The body the client sees for an error, with any credential redacted; also sent in-band by streams. */
export function clientBody(error: HttpException): Record<string, unknown> {
  const body = error.getResponse() as Record<string, unknown>;
  if (isOpenAIBody(body)) body.error.message = redactSecrets(body.error.message);
  return body;
}

/** Any thrown value → the HttpException the client sees; shared by the filter and in-stream errors. */
export function toOpenAIException(exception: unknown): HttpException {
  if (exception instanceof OpenAIHttpException) return exception;
  // An error thrown inside the SDK's credentials callback may come back wrapped;
  // the 401 that says how to fix the login must still reach the client.
  if (exception instanceof Error && exception.cause instanceof OpenAIHttpException) return exception.cause;
  if (exception instanceof TranslationError) return invalidRequest(exception.message, exception.param);
  // The client hung up and we stopped the upstream call for it: nobody is left to answer.
  if (exception instanceof Anthropic.APIUserAbortError) {
    return new OpenAIHttpException(499, 'The client closed the request.', 'client_closed_request');
  }
  if (exception instanceof Anthropic.APIError) return fromUpstreamError(exception);
  // Nest wraps body-parser's errors (bad JSON, too large) in an HttpException.
  const cause = exception instanceof HttpException ? exception.cause : exception;
  if (isBodyParserError(cause)) return bodyParserError(cause);
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    // Terminus health reports keep their own, probe-friendly shape.
    if (typeof response === 'object' && response && 'details' in response) return exception;
    const status = exception.getStatus();
    const message =
      typeof response === 'string'
        ? response
        : String((response as { message?: unknown }).message ?? exception.message);
    return new OpenAIHttpException(status, message, TYPES_BY_STATUS[status] ?? 'api_error');
  }
  return new OpenAIHttpException(500, 'Internal server error.', 'api_error', { code: 'internal_error' });
}

function isOpenAIBody(body: Record<string, unknown>): body is { error: { message: string } } {
  const error = body.error as { message?: unknown } | undefined;
  return typeof error === 'object' && error !== null && typeof error.message === 'string';
}

function isBodyParserError(e: unknown): e is BodyParserError {
  return e instanceof Error && typeof (e as Partial<BodyParserError>).type === 'string' && 'status' in e;
}

function bodyParserError(e: BodyParserError): OpenAIHttpException {
  switch (e.type) {
    case 'entity.parse.failed':
      return invalidRequest(
        'We could not parse the JSON body of your request. The body must be valid JSON (Content-Type: application/json).',
        null,
        'invalid_json',
      );
    case 'entity.too.large':
      return new OpenAIHttpException(413, 'Request body is too large (limit set by BODY_LIMIT).', 'invalid_request_error', {
        code: 'request_too_large',
      });
    default:
      return new OpenAIHttpException(e.status >= 400 && e.status < 600 ? e.status : 400, 'Could not read the request body.', 'invalid_request_error', {
        code: e.type,
      });
  }
}

/** Unexpected errors keep their stack for the operator; expected ones need only the message. */
function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  return e instanceof HttpException || e instanceof Anthropic.APIError ? `${e.name}: ${e.message}` : (e.stack ?? e.message);
}
