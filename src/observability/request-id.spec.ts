import { requestIdFrom } from './request-id.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdFrom', () => {
  it.each(['req_011CdEfGh', '3f2b1c9e-1d2a-4b5c-8d9e-0a1b2c3d4e5f', '01J9Z7X0ABCDEF', 'trace.span:1'])('keeps a safe id %s', (id) => {
    expect(requestIdFrom(id)).toBe(id);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['too long', 'a'.repeat(129)],
    ['with spaces', 'a b'],
    ['with a newline (log forging)', 'abc\n{"level":"error"}'],
    ['with quotes', 'a"b'],
    ['a key pasted by mistake', 'sk-ant-api03-abcdef'],
  ])('replaces a %s id with a fresh UUID', (_name, header) => {
    expect(requestIdFrom(header)).toMatch(UUID);
  });

  it('takes the first of repeated headers', () => {
    expect(requestIdFrom(['first-id', 'second-id'])).toBe('first-id');
  });
});
