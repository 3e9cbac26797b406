import { HttpException } from '@nestjs/common';
import { GatewayError } from './gateway-error.js';

/**
 * Anything thrown → the GatewayError the client sees. Features, the body
 * reader and the upstream port already throw GatewayErrors; what is left is
 * the HTTP framework's own errors (an unknown route) and bugs, which become a
 * plain 500 without internals.
 */
export function toGatewayError(exception: unknown): GatewayError {
  const ours = findGatewayError(exception);
  if (ours) return ours;
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
