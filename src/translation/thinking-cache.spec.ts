import { ThinkingCache } from './thinking-cache.js';
import type { SignedThinking } from './thinking.js';

const block = (text: string): SignedThinking => ({ type: 'thinking', thinking: text, signature: 'sig' });

function cache(options: Partial<ConstructorParameters<typeof ThinkingCache>[0]> = {}) {
  const clock = { now: 0 };
  const c = new ThinkingCache({ maxEntries: 10, maxBytes: 1000, ttlMs: 1000, now: () => clock.now, ...options });
  return { c, clock };
}

describe('ThinkingCache', () => {
  it('recalls the blocks under every tool call they preceded', () => {
    const { c } = cache();
    c.remember(['a', 'b'], [block('x')]);
    expect(c.recall('a')).toEqual([block('x')]);
    expect(c.recall('b')).toEqual([block('x')]);
    expect(c.recall('c')).toBeUndefined();
  });

  it('forgets entries after the TTL', () => {
    const { c, clock } = cache();
    c.remember(['a'], [block('x')]);
    clock.now = 1000;
    expect(c.recall('a')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('holds at most maxEntries, least recently used out first', () => {
    const { c } = cache({ maxEntries: 2 });
    c.remember(['a'], [block('1')]);
    c.remember(['b'], [block('2')]);
    c.recall('a');
    c.remember(['c'], [block('3')]);
    expect(c.recall('b')).toBeUndefined();
    expect(c.recall('a')).toBeDefined();
    expect(c.recall('c')).toBeDefined();
  });

  it('holds at most maxBytes, and never an entry larger than that', () => {
    const { c } = cache({ maxBytes: 20 });
    c.remember(['a'], [block('x'.repeat(10))]);
    c.remember(['b'], [block('y'.repeat(10))]);
    expect(c.recall('a')).toBeUndefined();
    expect(c.totalBytes).toBeLessThanOrEqual(20);
    c.remember(['huge'], [block('z'.repeat(100))]);
    expect(c.recall('huge')).toBeUndefined();
    expect(c.recall('b')).toBeDefined();
  });

  it('remembers nothing when switched off', () => {
    const { c } = cache({ maxEntries: 0 });
    c.remember(['a'], [block('x')]);
    expect(c.recall('a')).toBeUndefined();
  });
});
