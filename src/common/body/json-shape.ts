/**
 * Bounds on the shape of a JSON body, checked on the raw bytes before
 * `JSON.parse` builds anything. A body that is one deeply nested array costs
 * little to send and, once parsed, a great deal to walk (class-transformer and
 * class-validator recurse into every level); a body of millions of tiny items
 * costs the same. The scan below is one pass over the bytes, stops at the
 * first byte past a limit, and allocates nothing per level.
 */
export interface JsonShapeLimits {
  /** JSON_MAX_DEPTH: the deepest nesting of arrays and objects. */
  maxDepth: number;
  /** JSON_MAX_ITEMS: array elements and object members in the whole body, counted together. */
  maxItems: number;
}

export type JsonShapeLimitName = 'JSON_MAX_DEPTH' | 'JSON_MAX_ITEMS';

export class JsonShapeError extends Error {
  constructor(
    message: string,
    readonly limit: JsonShapeLimitName,
  ) {
    super(message);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const COMMA = 0x2c;
const isWhitespace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/**
 * Throws a JsonShapeError at the first byte that takes the body past a limit.
 * Says nothing about validity: malformed JSON is left for `JSON.parse` to
 * reject. Multi-byte UTF-8 sequences never contain ASCII bytes, so scanning
 * bytes sees the same structure as scanning characters.
 */
export function checkJsonShape(bytes: Uint8Array, limits: JsonShapeLimits): void {
  let depth = 0;
  let items = 0;
  let inString = false;
  // An item is counted when its first byte appears in an array or object.
  let awaitingItem = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
      continue;
    }
    if (isWhitespace(byte)) continue;
    if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      depth--;
      awaitingItem = false;
      continue;
    }
    if (byte === COMMA) {
      awaitingItem = depth > 0;
      continue;
    }
    if (awaitingItem) {
      awaitingItem = false;
      if (++items > limits.maxItems) {
        throw new JsonShapeError(
          `The JSON body has more than ${limits.maxItems} array elements and object members in all (JSON_MAX_ITEMS).`,
          'JSON_MAX_ITEMS',
        );
      }
    }
    if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > limits.maxDepth) {
        throw new JsonShapeError(
          `The JSON body is nested deeper than ${limits.maxDepth} levels (JSON_MAX_DEPTH).`,
          'JSON_MAX_DEPTH',
        );
      }
      awaitingItem = true;
    } else if (byte === QUOTE) {
      inString = true;
    }
  }
}
