import { HttpException } from '@nestjs/common';
import { GatewayError, invalidRequest } from './gateway-error.js';

/** body-parser's errors carry a `type` such as `entity.parse.failed`. */
interface BodyParserError {
  type: string;
  status: number;
}

/**
 * Anything thrown → the GatewayError the client sees. Features and the
 * upstream port already throw GatewayErrors; what is left is the HTTP
 * framework's own errors (an unknown route, body-parser) and bugs, which
 * become a plain 500 without internals.
 */
export function toGatewayError(exception: unknown): GatewayError {
  const ours = findGatewayError(exception);
  if (ours) return ours;
  // Nest wraps body-parser's errors (bad JSON, too large) in an HttpException.
  const cause = exception instanceof HttpException ? exception.cause : exception;
  if (isBodyParserError(cause)) return bodyParserError(cause);
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    const message =
      typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? exception.message);
    return new GatewayError(exception.getStatus(), message);
  }
  return new GatewayError(500, 'Internal server error.', { type: 'api_error', code: 'internal_error' });
}

/**
 * A GatewayError, or one carried as the cause of a wrapping error (a library
 * that wraps what our callback threw, such as the SDK around a credentials
 * provider): the message that says how to fix things must reach the client.
 */
function findGatewayError(exception: unknown): GatewayError | null {
  for (let e = exception, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof GatewayError) return e;
  }
  return null;
}

function isBodyParserError(e: unknown): e is BodyParserError {
  return e instanceof Error && typeof (e as Partial<BodyParserError>).type === 'string' && 'status' in e;
}

function bodyParserError(e: BodyParserError): GatewayError {
  switch (e.type) {
    case 'entity.parse.failed':
      return invalidRequest(
        'We could not parse the JSON body of your request. The body must be valid JSON (Content-Type: application/json).',
        null,
        'invalid_json',
      );
    case 'entity.too.large':
      return new GatewayError(413, 'Request body is too large (limit set by BODY_LIMIT).', { code: 'request_too_large' });
    default:
      return new GatewayError(e.status >= 400 && e.status < 600 ? e.status : 400, 'Could not read the request body.', {
        code: e.type,
      });
  }
}
