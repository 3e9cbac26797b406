import { HttpException } from '@nestjs/common';

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
 * An error that already knows its OpenAI shape and status. Everything the
 * gateway rejects on purpose is thrown as one of these; the global filter
 * turns anything else into one.
 */
export class OpenAIHttpException extends HttpException {
  constructor(
    status: number,
    message: string,
    type: string,
    options: { param?: string | null; code?: string | null; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    const body: OpenAIErrorBody = {
      error: { message, type, param: options.param ?? null, code: options.code ?? null },
    };
    super(body, status, { cause: options.cause });
    this.headers = options.headers ?? {};
    // Nest names an exception built from an object after its class; logs need the words.
    this.message = message;
  }

  readonly headers: Record<string, string>;
}

export const invalidRequest = (message: string, param: string | null = null, code: string | null = null) =>
  new OpenAIHttpException(400, message, 'invalid_request_error', { param, code });
