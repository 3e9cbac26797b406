import Anthropic from '@anthropic-ai/sdk';
import { HttpException } from '@nestjs/common';
import { UPSTREAM_REQUEST_ID } from '../common/errors/error-formats.js';
import { GatewayError } from '../common/errors/gateway-error.js';

/**
 * Anthropic statuses that change on the way out. 529 "overloaded" is not a
 * status load balancers, proxies or most HTTP clients know; 503 is what it
 * means and every OpenAI SDK retries it.
 */
const STATUS_OUT: Readonly<Record<number, number>> = { 529: 503 };

/** OpenAI-style `code` for the upstream statuses clients branch on. */
const CODES: Readonly<Record<number, string>> = {
  401: 'invalid_api_key',
  403: 'permission_denied',
  404: 'not_found',
  413: 'request_too_large',
  429: 'rate_limit_exceeded',
  529: 'overloaded',
};

/**
 * Anthropic's error `type` → the status it stands for. An `error` event
 * inside a stream arrives without an HTTP status; its type says which.
 */
const STATUS_BY_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};

/** The same table read the other way: the type upstream would have sent with a status. */
const TYPE_BY_STATUS: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(STATUS_BY_TYPE).map(([type, status]) => [status, type]),
);

/** Headers that tell a client when, and whether, to try again. */
const PASSED_HEADERS = ['retry-after', 'retry-after-ms', 'x-should-retry'];

/**
 * Anything the SDK (or its transport) threw → the GatewayError the client
 * sees. Errors that already are ours (a credential problem thrown inside the
 * SDK's token callback, a silence timeout) keep their meaning.
 */
export function fromUpstream(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof Error && error.cause instanceof GatewayError) return error.cause;
  // The client hung up and we stopped the upstream call for it: nobody is left to answer.
  if (error instanceof Anthropic.APIUserAbortError) return clientClosed();
  if (error instanceof Anthropic.APIConnectionTimeoutError) {
    return new GatewayError(504, 'The upstream Anthropic API did not answer in time.', { code: 'upstream_timeout' });
  }
  if (error instanceof Anthropic.APIError) return fromApiError(error);
  if (error instanceof HttpException) return new GatewayError(error.getStatus(), error.message, { cause: error });
  // Anything else is the connection breaking under a stream (undici's "terminated").
  return new GatewayError(502, 'The upstream connection broke before the answer was complete.', {
    type: 'api_connection_error',
    code: 'upstream_connection_broken',
    cause: error,
  });
}

export const clientClosed = () => new GatewayError(499, 'The client closed the request.');

/** Upstream went quiet for UPSTREAM_TIMEOUT_MS after its answer began. */
export const upstreamSilent = () =>
  new GatewayError(504, 'The upstream Anthropic API stopped sending in the middle of the answer.', {
    code: 'upstream_timeout',
  });

/**
 * Upstream answered, but not in the shape the Messages API documents (an
 * event or a whole message a translation cannot read): upstream's fault, a
 * 502 that names what was malformed, and counted as an upstream failure.
 */
export const malformedUpstream = (what: string, cause: unknown) =>
  new GatewayError(502, `The upstream Anthropic API sent a malformed ${what}.`, {
    type: 'api_error',
    code: 'upstream_malformed_event',
    cause,
  });

function fromApiError(error: InstanceType<typeof Anthropic.APIError>): GatewayError {
  const body = error.error as { error?: { type?: string; message?: string } } | undefined;
  const status = error.status ?? STATUS_BY_TYPE[body?.error?.type ?? ''];
  if (status === undefined || error instanceof Anthropic.APIConnectionError) {
    return new GatewayError(502, 'Could not reach the upstream Anthropic API.', {
      type: 'api_connection_error',
      code: 'upstream_unreachable',
      cause: error,
    });
  }
  const headers: Record<string, string> = {};
  for (const name of PASSED_HEADERS) {
    const value = error.headers?.get(name);
    if (value) headers[name] = value;
  }
  // Beside the gateway's own `x-request-id`, which the request observer sets.
  if (error.requestID) headers[UPSTREAM_REQUEST_ID] = error.requestID;
  return new GatewayError(STATUS_OUT[status] ?? status, body?.error?.message ?? error.apiMessage ?? `Upstream error ${status}`, {
    // Upstream's own type is more precise than any status can say.
    type: body?.error?.type ?? TYPE_BY_STATUS[status],
    code: CODES[status] ?? null,
    headers,
    cause: error,
  });
}
