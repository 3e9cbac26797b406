import { describe, expect, it } from '@jest/globals';
import { randomHex } from './random-hex.js';

describe('randomHex', () => {
  it('gives the asked number of bytes as lowercase hex', () => {
    expect(randomHex(16)).toMatch(/^[0-9a-f]{32}$/);
    expect(randomHex(1)).toMatch(/^[0-9a-f]{2}$/);
  });

  it('never hands out the same bytes twice, across refills of its pool', () => {
    // 4096-byte pool: 1,000 ids of 16 bytes refill it several times.
    const ids = Array.from({ length: 1000 }, () => randomHex(16));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses more than its pool holds', () => {
    expect(() => randomHex(4097)).toThrow(RangeError);
  });
});
