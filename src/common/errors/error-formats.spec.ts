import { ANTHROPIC_ERRORS, anthropicErrorType, errorFormatFor, OPENAI_ERRORS } from './error-formats.js';
import { GatewayError } from './gateway-error.js';

describe('errorFormatFor', () => {
  it.each([
    ['/v1/messages', ANTHROPIC_ERRORS],
    ['/v1/messages?beta=true', ANTHROPIC_ERRORS],
    ['/v1/messages/count_tokens', ANTHROPIC_ERRORS],
    ['/v1/messagesx', OPENAI_ERRORS],
    ['/v1/chat/completions', OPENAI_ERRORS],
    ['/v1/models', OPENAI_ERRORS],
    ['', OPENAI_ERRORS],
  ])('picks the door by path alone: %s', (path, format) => {
    expect(errorFormatFor(path)).toBe(format);
  });

  it("picks Anthropic's for any path when the request carries anthropic-version", () => {
    expect(errorFormatFor('/v1/models', { 'anthropic-version': '2023-06-01' })).toBe(ANTHROPIC_ERRORS);
    expect(errorFormatFor('/v1/nowhere', { 'anthropic-version': '2023-06-01' })).toBe(ANTHROPIC_ERRORS);
  });
});

describe("Anthropic's error shape", () => {
  it('takes its type from the status alone, and redacts the message', () => {
    expect([400, 401, 403, 404, 413, 415, 429, 500, 502, 504, 529, 418, 599].map(anthropicErrorType)).toEqual([
      'invalid_request_error',
      'authentication_error',
      'permission_error',
      'not_found_error',
      'request_too_large',
      'invalid_request_error',
      'rate_limit_error',
      'api_error',
      'api_error',
      'timeout_error',
      'overloaded_error',
      'invalid_request_error',
      'api_error',
    ]);
    const error = new GatewayError(401, 'token sk-ant-oat01-abcdefgh rejected', { type: 'invalid_request_error' });
    expect(ANTHROPIC_ERRORS.body(error)).toEqual({ type: 'error', error: { type: 'authentication_error', message: 'token sk-ant-*** rejected' } });
  });
});
