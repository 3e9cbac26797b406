import type { ArgumentsHost } from '@nestjs/common';
import { GatewayError } from './gateway-error.js';
import { OpenAIExceptionFilter } from './openai-exception.filter.js';

/** Just enough of an express response to capture what the filter sends. */
function capture() {
  const sent: { status?: number; body?: unknown } = {};
  const res = {
    headersSent: false,
    status(code: number) {
      sent.status = code;
      return this;
    },
    set() {
      return this;
    },
    json(body: unknown) {
      sent.body = body;
      return this;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
  return { host, sent };
}

it('answers the OpenAI error carried as the cause of a wrapping error (the SDK around a credentials callback)', () => {
  const ours = new GatewayError(401, 'Run `claude` once.', { code: 'credentials_unavailable' });
  const { host, sent } = capture();
  new OpenAIExceptionFilter().catch(new Error('credentials provider failed', { cause: ours }), host);
  expect(sent).toEqual({
    status: 401,
    body: { error: { message: 'Run `claude` once.', type: 'authentication_error', param: null, code: 'credentials_unavailable' } },
  });
});
