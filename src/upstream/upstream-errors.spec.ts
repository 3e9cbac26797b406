import Anthropic from '@anthropic-ai/sdk';
import { GatewayError } from '../common/errors/gateway-error.js';
import { fromUpstream } from './upstream-errors.js';

const apiError = (status: number | undefined, body: unknown, headers: Record<string, string> = {}) =>
  Anthropic.APIError.generate(status, body as object, undefined, new Headers(headers));

describe('an Anthropic error → the GatewayError the client sees', () => {
  it.each([
    [400, 'invalid_request_error', 400, 'invalid_request_error', null],
    [401, 'authentication_error', 401, 'authentication_error', 'invalid_api_key'],
    [413, 'request_too_large', 413, 'request_too_large', 'request_too_large'],
    [429, 'rate_limit_error', 429, 'rate_limit_error', 'rate_limit_exceeded'],
    [529, 'overloaded_error', 503, 'overloaded_error', 'overloaded'],
    [500, 'api_error', 500, 'api_error', null],
  ])('%i %s → %i %s (%s)', (status, type, outStatus, outType, code) => {
    const error = fromUpstream(apiError(status, { type: 'error', error: { type, message: 'upstream says' } }));
    expect(error).toMatchObject({ status: outStatus, type: outType, code, message: 'upstream says' });
  });

  it('takes the type of a status-less stream error event to find its status', () => {
    // As the SDK builds it for an `error` event inside a stream.
    const event = { type: 'error', error: { type: 'overloaded_error', message: 'busy' } };
    const error = fromUpstream(new Anthropic.APIError(undefined, event, undefined, new Headers()));
    expect(error).toMatchObject({ status: 503, type: 'overloaded_error' });
  });

  it('passes retry headers and upstream’s request id', () => {
    const error = fromUpstream(
      apiError(429, { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } }, {
        'retry-after': '7',
        'request-id': 'req_1',
      }),
    );
    expect(error.headers).toEqual({ 'retry-after': '7', 'x-upstream-request-id': 'req_1' });
  });

  it.each([
    ['a client abort', new Anthropic.APIUserAbortError(), 499],
    ['a timeout', new Anthropic.APIConnectionTimeoutError(), 504],
    ['a connection error', new Anthropic.APIConnectionError({ message: 'refused' }), 502],
    ['a broken stream', new TypeError('terminated'), 502],
  ])('maps %s', (_, error, status) => {
    expect(fromUpstream(error).status).toBe(status);
  });

  it('keeps a GatewayError thrown inside the SDK’s token callback', () => {
    const ours = new GatewayError(401, 'run claude');
    expect(fromUpstream(new Error('wrapped', { cause: ours }))).toBe(ours);
  });
});
