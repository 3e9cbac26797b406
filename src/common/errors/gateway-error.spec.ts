import { errorTypeFor, GatewayError, invalidRequest } from './gateway-error.js';

describe('the status → type table', () => {
  it.each([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [405, 'invalid_request_error'],
    [413, 'invalid_request_error'],
    [415, 'invalid_request_error'],
    [429, 'rate_limit_error'],
    [499, 'client_closed_request'],
    [504, 'timeout'],
    [418, 'invalid_request_error'],
    [500, 'api_error'],
    [502, 'api_error'],
  ])('%i → %s', (status, type) => {
    expect(errorTypeFor(status)).toBe(type);
    expect(new GatewayError(status, 'm').toBody().error.type).toBe(type);
  });

  it('lets an explicit type win over the table', () => {
    expect(new GatewayError(503, 'm', { type: 'overloaded_error' }).type).toBe('overloaded_error');
  });
});

it('renders OpenAI’s error body with param and code, and redacts credentials from the message', () => {
  expect(invalidRequest('bad key sk-ant-api03-abcdef here', 'messages[0]', 'x').toBody()).toEqual({
    error: { message: 'bad key sk-ant-*** here', type: 'invalid_request_error', param: 'messages[0]', code: 'x' },
  });
});
