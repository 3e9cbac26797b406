import type { ArgumentsHost } from '@nestjs/common';
import { GatewayError } from './gateway-error.js';
import { GatewayExceptionFilter } from './exception.filter.js';

/** Just enough of an express response to capture what the filter sends. */
function capture(path = '/v1/chat/completions', headers: Record<string, string> = {}) {
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
  const req = { path, headers };
  const host = { switchToHttp: () => ({ getResponse: () => res, getRequest: () => req }) } as unknown as ArgumentsHost;
  return { host, sent };
}

it('answers the OpenAI error carried as the cause of a wrapping error (the SDK around a credentials callback)', () => {
  const ours = new GatewayError(401, 'Run `claude` once.', { code: 'credentials_unavailable' });
  const { host, sent } = capture();
  new GatewayExceptionFilter().catch(new Error('credentials provider failed', { cause: ours }), host);
  expect(sent).toEqual({
    status: 401,
    body: { error: { message: 'Run `claude` once.', type: 'authentication_error', param: null, code: 'credentials_unavailable' } },
  });
});

it("answers in Anthropic's shape on the Anthropic door, with Anthropic's type for the status and request-id by its name", () => {
  const error = new GatewayError(401, 'Incorrect API key provided.', {
    type: 'invalid_request_error',
    code: 'invalid_api_key',
    headers: { 'x-upstream-request-id': 'req_1' },
  });
  let headers: Record<string, string> = {};
  const { host, sent } = capture('/v1/messages/count_tokens');
  const res = host.switchToHttp().getResponse<{ set: (h: Record<string, string>) => unknown }>();
  res.set = function (this: unknown, h: Record<string, string>) {
    headers = h;
    return this;
  };
  new GatewayExceptionFilter().catch(error, host);
  expect(sent).toEqual({ status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'Incorrect API key provided.' } } });
  expect(headers).toEqual({ 'request-id': 'req_1' });
});

it("answers in Anthropic's shape on a shared path when the request carries anthropic-version, OpenAI's otherwise", () => {
  const error = new GatewayError(404, "The model 'x' does not exist.", { param: 'model', code: 'model_not_found' });
  const anthropic = capture('/v1/models/x', { 'anthropic-version': '2023-06-01' });
  new GatewayExceptionFilter().catch(error, anthropic.host);
  expect(anthropic.sent.body).toEqual({ type: 'error', error: { type: 'not_found_error', message: "The model 'x' does not exist." } });
  const openai = capture('/v1/models/x');
  new GatewayExceptionFilter().catch(error, openai.host);
  expect(openai.sent.body).toEqual({ error: { message: "The model 'x' does not exist.", type: 'not_found_error', param: 'model', code: 'model_not_found' } });
});
