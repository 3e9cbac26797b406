import { mergeUsage } from './upstream-observer.js';

describe('mergeUsage (token counts for the metrics)', () => {
  const before = { input: 10, output: 1, cacheRead: 2, cacheWrite: 3 };

  it('takes every count upstream sends and keeps the ones it leaves out', () => {
    expect(mergeUsage(before, { output_tokens: 9, cache_read_input_tokens: 0 })).toEqual({ input: 10, output: 9, cacheRead: 0, cacheWrite: 3 });
  });

  it.each([[true], ['7'], [{ a: 1 }], [[5]], [-1], [Number.NaN], [Infinity], [null]])('keeps the count before for %p, which is no count', (value) => {
    expect(mergeUsage(before, { input_tokens: value as never, output_tokens: value as never })).toEqual(before);
  });
});
