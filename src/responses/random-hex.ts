import { randomFillSync } from 'node:crypto';

/** Random bytes drawn from the OS's CSPRNG 4 KiB at a time, as `crypto.randomUUID()` caches its own. */
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let offset = POOL_SIZE;

/**
 * `bytes` cryptographically random bytes as lowercase hex. The same bytes
 * `randomBytes(bytes)` would give, but one trip to the CSPRNG serves many
 * ids: a synchronous `randomBytes` call per response cost about 2 % of a
 * request's CPU (`npm run bench:profile`). Each byte is handed out once.
 */
export function randomHex(bytes: number): string {
  if (bytes > POOL_SIZE) throw new RangeError(`randomHex: at most ${POOL_SIZE} bytes`);
  if (offset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}
