import { redactSecrets, rememberConfiguredSecret, rememberSecret } from './redact.js';

it('redacts Anthropic-shaped keys and tokens by pattern', () => {
  expect(redactSecrets('key sk-ant-api03-abc_DEF-123 end')).toBe('key sk-ant-*** end');
});

it('redacts registered values whatever their shape', () => {
  rememberSecret('opaque-login-token-1234');
  expect(redactSecrets('got opaque-login-token-1234 twice: opaque-login-token-1234')).toBe('got *** twice: ***');
});

it('never forgets a configured secret, however many login tokens rotate through', () => {
  rememberConfiguredSecret('my-client-key-abcdefghijklmnop');
  for (let i = 0; i < 200; i++) rememberSecret(`rotated-login-token-${i.toString().padStart(4, '0')}`);
  expect(redactSecrets('x my-client-key-abcdefghijklmnop y')).toBe('x *** y');
  // The newest rotating tokens are still known; the oldest were let go to keep the registry small.
  expect(redactSecrets('rotated-login-token-0199')).toBe('***');
});

it('leaves values too short to be a credential alone', () => {
  rememberConfiguredSecret('short');
  expect(redactSecrets('a short word')).toBe('a short word');
});

it('redacts a secret that contains another whole, whichever was remembered first', () => {
  rememberSecret('inner-token-4b1d9e');
  rememberSecret('outer-inner-token-4b1d9e-tail');
  expect(redactSecrets('a outer-inner-token-4b1d9e-tail b inner-token-4b1d9e')).toBe('a *** b ***');
});
