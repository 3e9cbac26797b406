/**
 * Bodies this gateway parsed itself, with what their bytes prove, so the
 * validation pipe can skip two walks over the whole body that cannot change
 * it (about 2 % of a request's CPU in `npm run bench:profile`):
 *
 * - closing the gaps of sparse arrays: `JSON.parse` never makes one;
 * - deleting `__proto__`, `prototype` and `constructor` keys: none can be in
 *   the parsed value when none of the three names is in its bytes, and no
 *   `\u` escape is either (the only JSON escape that can spell a letter or
 *   `_`, so the only way to write one of the names without its letters).
 *
 * Any other value, and any body that may hold such a key, gets Nest's full
 * walks as before.
 */
const parsedBodies = new WeakMap<object, { protoKeyFree: boolean }>();

const PROTO_KEY_SPELLINGS = ['__proto__', 'prototype', 'constructor', '\\u'].map((s) => Buffer.from(s, 'latin1'));

/** Whether bytes of JSON cannot hold a `__proto__`, `prototype` or `constructor` key (see above). */
export function provesNoProtoKeys(bytes: Uint8Array): boolean {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return PROTO_KEY_SPELLINGS.every((spelling) => buffer.indexOf(spelling) === -1);
}

/** Notes a value as `JSON.parse`'s output, and whether its bytes proved it free of prototype keys. */
export function markParsedBody(value: unknown, protoKeyFree: boolean): void {
  if (value !== null && typeof value === 'object') parsedBodies.set(value, { protoKeyFree });
}

/** A value `JSON.parse` made from a body: it has no sparse arrays. */
export function isParsedBody(value: unknown): boolean {
  return value !== null && typeof value === 'object' && parsedBodies.has(value);
}

/** A parsed body whose bytes proved it has no `__proto__`, `prototype` or `constructor` key at any depth. */
export function isProtoKeyFree(value: unknown): boolean {
  return value !== null && typeof value === 'object' && parsedBodies.get(value)?.protoKeyFree === true;
}
