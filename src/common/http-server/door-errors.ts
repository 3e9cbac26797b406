import { GatewayError } from '../errors/gateway-error.js';

/**
 * The APIs the gateway answers as. Each door answers errors in its own API's
 * shape, including the errors raised before a request reaches any route (a
 * request Node's HTTP parser refused, a request that took too long).
 */
export type Door = 'openai' | 'anthropic';

/** The door a request path addresses: Anthropic's Messages API under /v1/messages, OpenAI's everywhere else. */
export function doorOf(path: string | undefined): Door {
  return path !== undefined && /^\/v1\/messages(?:[/?]|$)/.test(path) ? 'anthropic' : 'openai';
}

/** Anthropic's error `type` for a status (its documented table); other statuses are the client's request. */
const ANTHROPIC_TYPES: Readonly<Record<number, string>> = {
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
};

/** An error body in the door's shape: OpenAI's `{"error":{message,type,param,code}}`, or Anthropic's `{"type":"error","error":{type,message}}`. */
export function doorErrorBody(door: Door, status: number, message: string, code: string): object {
  if (door === 'anthropic') {
    return { type: 'error', error: { type: ANTHROPIC_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'), message } };
  }
  return new GatewayError(status, message, { code }).toBody();
}
