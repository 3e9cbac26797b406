import { automaticCacheControl, breakpoint } from './prompt-cache.js';

describe('automaticCacheControl', () => {
  it.each([
    [{ mode: 'auto', ttl: '5m' }, { explicitBreakpoints: 0 }, { type: 'ephemeral' }],
    [{ mode: 'auto', ttl: '1h' }, { explicitBreakpoints: 0 }, { type: 'ephemeral', ttl: '1h' }],
    [{ mode: 'auto', ttl: '5m' }, { mode: 'implicit', explicitBreakpoints: 3 }, { type: 'ephemeral' }],
    [{ mode: 'auto', ttl: '5m' }, { mode: 'explicit', explicitBreakpoints: 1 }, undefined],
    [{ mode: 'auto', ttl: '5m' }, { explicitBreakpoints: 4 }, undefined],
    [{ mode: 'off', ttl: '5m' }, { explicitBreakpoints: 0 }, undefined],
  ] as const)('%j with %j → %j', (policy, client, expected) => {
    expect(automaticCacheControl(policy, client)).toEqual(expected);
  });

  it('breakpoints carry the configured TTL', () => {
    expect(breakpoint({ mode: 'off', ttl: '1h' })).toEqual({ type: 'ephemeral', ttl: '1h' });
  });
});
