import type { IncomingHttpHeaders } from 'node:http';
import type { GatewayError } from './gateway-error.js';
import { redactSecrets } from '../redaction/redact.js';

/**
 * How one API writes an error: the body and the headers its clients read.
 * The gateway's errors are GatewayErrors whatever the door; which format
 * renders them is decided by the door the request came in at (`errorFormatFor`).
 */
export interface ErrorFormat {
  /** The JSON body, with any credential redacted from the message. */
  body(error: GatewayError): unknown;
  /** The error's headers, under this API's names. */
  headers(error: GatewayError): Readonly<Record<string, string>>;
}

/** OpenAI's `{"error":{message,type,param,code}}`; the status → type table is `ERROR_TYPES` (gateway-error.ts). */
export const OPENAI_ERRORS: ErrorFormat = {
  body: (error) => error.toBody(),
  headers: (error) => error.headers,
};

/**
 * HTTP status → Anthropic error `type` (Messages API "Errors"): the one
 * table for the Anthropic door. Statuses Anthropic never sends (405, 415)
 * are a request the gateway cannot take: `invalid_request_error`.
 */
export const ANTHROPIC_ERROR_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  405: 'invalid_request_error',
  413: 'request_too_large',
  415: 'invalid_request_error',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  503: 'overloaded_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

export function anthropicErrorType(status: number): string {
  return ANTHROPIC_ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/**
 * Anthropic's `request-id` for the call, for support requests to Anthropic,
 * as the OpenAI doors name it (the Anthropic door says `request-id`, as the
 * API does). `x-request-id` is the gateway's own id (the client's, when it
 * sent a valid one).
 */
export const UPSTREAM_REQUEST_ID = 'x-upstream-request-id';

/** Anthropic's `{"type":"error","error":{type,message}}`, as every Anthropic SDK and Claude Code parse it. */
export const ANTHROPIC_ERRORS: ErrorFormat = {
  body: (error) => ({ type: 'error', error: { type: anthropicErrorType(error.status), message: redactSecrets(error.message) } }),
  headers: (error) => {
    const requestId = error.headers[UPSTREAM_REQUEST_ID];
    if (requestId === undefined) return error.headers;
    const { [UPSTREAM_REQUEST_ID]: _, ...rest } = error.headers;
    return { ...rest, 'request-id': requestId };
  },
};

/** The Anthropic door's paths: `/v1/messages` and what lies under it (`/v1/messages/count_tokens`). */
const ANTHROPIC_PATH = /^\/v1\/messages(?:[/?#]|$)/i;

/**
 * Which API's error shape a request gets, from its path alone (the
 * Anthropic door), or from its headers where a path serves both APIs: an
 * Anthropic client always sends `anthropic-version`, an OpenAI client never
 * does (`/v1/models`, and a route that does not exist). Usable wherever a
 * request is answered, down to the HTTP parser's own errors, which have no
 * headers to give.
 */
export function errorFormatFor(path: string, headers?: IncomingHttpHeaders): ErrorFormat {
  if (ANTHROPIC_PATH.test(path)) return ANTHROPIC_ERRORS;
  return headers && isAnthropicClient(headers) ? ANTHROPIC_ERRORS : OPENAI_ERRORS;
}

/** An Anthropic client (an SDK, Claude Code) always sends `anthropic-version`; an OpenAI client never does. */
export function isAnthropicClient(headers: IncomingHttpHeaders): boolean {
  return headers['anthropic-version'] !== undefined;
}
