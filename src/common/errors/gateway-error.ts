import { redactSecrets } from '../redaction/redact.js';

/** OpenAI's error object, as every OpenAI SDK parses it. */
export interface OpenAIErrorBody {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string | null;
  };
}

/**
 * HTTP status → OpenAI error `type`: the one table. A `type` given to a
 * GatewayError wins (upstream's own type, such as `overloaded_error`, is
 * more precise than any status can say).
 */
export const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  405: 'invalid_request_error',
  413: 'invalid_request_error',
  415: 'invalid_request_error',
  429: 'rate_limit_error',
  499: 'client_closed_request',
  504: 'timeout',
};

export function errorTypeFor(status: number): string {
  return ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

export interface GatewayErrorOptions {
  type?: string;
  param?: string | null;
  code?: string | null;
  /** Headers the client should see with the error (`retry-after`, upstream's request id). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * The one error type features throw. It already knows its status and its
 * OpenAI shape, so the global filter only has to render it, and a stream
 * that fails after its first byte sends the same body in-band.
 */
export class GatewayError extends Error {
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly status: number,
    message: string,
    options: GatewayErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'GatewayError';
    this.type = options.type ?? errorTypeFor(status);
    this.param = options.param ?? null;
    this.code = options.code ?? null;
    this.headers = options.headers ?? {};
  }

  /** What the client sees, with any credential redacted from the message. */
  toBody(): OpenAIErrorBody {
    return { error: { message: redactSecrets(this.message), type: this.type, param: this.param, code: this.code } };
  }
}

/** A request the gateway cannot take as sent; `param` names the field in the client's own terms. */
export const invalidRequest = (message: string, param: string | null = null, code: string | null = null) =>
  new GatewayError(400, message, { param, code });
