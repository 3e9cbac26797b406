import Anthropic from '@anthropic-ai/sdk';
import { OpenAIHttpException } from './openai-error.js';

/**
 * Anthropic statuses that change on the way out. 529 "overloaded" is not a
 * status load balancers, proxies or most HTTP clients know; 503 is what it
 * means and every OpenAI SDK retries it.
 */
const STATUS_OUT: Record<number, number> = { 529: 503 };

/** OpenAI-style `code` for the statuses clients branch on. */
const CODES: Record<number, string> = {
  401: 'invalid_api_key',
  403: 'permission_denied',
  404: 'not_found',
  413: 'request_too_large',
  429: 'rate_limit_exceeded',
  529: 'overloaded',
};

const FALLBACK_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  529: 'overloaded_error',
};

const STATUS_BY_TYPE: Record<string, number> = Object.fromEntries(
  Object.entries(FALLBACK_TYPES).map(([status, type]) => [type, Number(status)]),
);
STATUS_BY_TYPE.api_error = 500;

/** Headers that tell a client when, and whether, to try again. */
const PASSED_HEADERS = ['retry-after', 'retry-after-ms', 'x-should-retry'];

/** An Anthropic SDK error → the OpenAI error the client should see. */
export function fromUpstreamError(error: InstanceType<typeof Anthropic.APIError>): OpenAIHttpException {
  if (error instanceof Anthropic.APIConnectionTimeoutError) {
    return new OpenAIHttpException(504, 'The upstream Anthropic API did not answer in time.', 'timeout', {
      code: 'upstream_timeout',
    });
  }
  const body = error.error as { error?: { type?: string; message?: string } } | undefined;
  // An `error` event inside a stream arrives without an HTTP status; its type says which one it would be.
  const status = error.status ?? STATUS_BY_TYPE[body?.error?.type ?? ''];
  if (status === undefined || error instanceof Anthropic.APIConnectionError) {
    return new OpenAIHttpException(502, 'Could not reach the upstream Anthropic API.', 'api_connection_error', {
      code: 'upstream_unreachable',
    });
  }
  const headers: Record<string, string> = {};
  for (const name of PASSED_HEADERS) {
    const value = error.headers?.get(name);
    if (value) headers[name] = value;
  }
  if (error.requestID) headers['x-request-id'] = error.requestID;
  return new OpenAIHttpException(
    STATUS_OUT[status] ?? status,
    body?.error?.message ?? error.apiMessage ?? `Upstream error ${status}`,
    body?.error?.type ?? FALLBACK_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'),
    { code: CODES[status] ?? null, headers },
  );
}
