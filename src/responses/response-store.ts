import type { InputItem, OutputItem, ResponseObject } from './translation/responses.types.js';

export interface StoreLimits {
  maxEntries: number;
  maxBytes: number;
  /** How long an entry lives after its last use. */
  ttlMs: number;
}

interface Entry {
  response: ResponseObject;
  /** This request's own input items (references resolved), not its history. */
  input: InputItem[];
  previousId: string | null;
  bytes: number;
  expiresAt: number;
}

/** Why a conversation cannot be continued. */
export class StoreMiss extends Error {
  constructor(readonly id: string) {
    super(`Previous response with id '${id}' not found.`);
  }
}

/**
 * The embedded store behind `previous_response_id`, `item_reference` and
 * GET/DELETE /v1/responses/{id}. In-process and per replica: bounded in
 * entries and bytes (least recently used goes first) with a TTL from last use.
 * Each entry holds only its own turn and a link to the one before, so a long
 * conversation costs memory linear in its length. Reading a conversation
 * touches every turn of it, newest first: the oldest turn ends up the most
 * recently used, so under pressure newer turns leave first. Either way a
 * chain with one turn gone cannot be continued (StoreMiss), and the turns
 * left behind keep their bytes until they are evicted or expire in turn.
 */
export class ResponseStore {
  /** Insertion order is recency order: a touched entry is re-inserted at the end. */
  private readonly entries = new Map<string, Entry>();
  /** Output item id → the response that holds it, for `item_reference`. */
  private readonly items = new Map<string, string>();
  private bytes = 0;

  constructor(
    private readonly limits: StoreLimits,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  /**
   * Keeps a completed response and this request's own input items.
   * `requestBytes`, when known: the bytes of the request the answer came
   * from, plus those of any items it took from the store (see
   * `jsonBytes`). Everything the entry holds besides the output came from
   * that request (its input, and the fields the response echoes), so only
   * the output is counted here; without it, the whole entry is.
   */
  put(response: ResponseObject, input: InputItem[], previousId: string | null, requestBytes?: number): void {
    if (this.limits.maxEntries === 0) return;
    this.remove(response.id);
    const entry: Entry = {
      response,
      input,
      previousId,
      bytes: requestBytes === undefined ? jsonBytes(response) + jsonBytes(input) : requestBytes + jsonBytes(response.output),
      expiresAt: this.now() + this.limits.ttlMs,
    };
    // An answer larger than the whole store is not kept (it would evict everything and then itself).
    if (entry.bytes > this.limits.maxBytes) return;
    this.entries.set(response.id, entry);
    this.bytes += entry.bytes;
    for (const item of response.output) this.items.set(item.id!, response.id);
    this.evict();
  }

  get(id: string): ResponseObject | undefined {
    return this.touch(id)?.response;
  }

  delete(id: string): boolean {
    return this.remove(id);
  }

  /** The whole conversation up to and including response `id`, as input items; throws StoreMiss if any turn is gone. */
  history(id: string): InputItem[] {
    const turns: Entry[] = [];
    const seen = new Set<string>();
    for (let next: string | null = id; next !== null; ) {
      const entry = this.touch(next);
      if (!entry || seen.has(next)) throw new StoreMiss(id);
      seen.add(next);
      turns.unshift(entry);
      next = entry.previousId;
    }
    return turns.flatMap((turn) => [...turn.input, ...(turn.response.output as InputItem[])]);
  }

  /** An output item of a stored response, for `{type: "item_reference", id}`. */
  item(id: string): OutputItem | undefined {
    const owner = this.items.get(id);
    const entry = owner ? this.touch(owner) : undefined;
    return entry?.response.output.find((item) => item.id === id);
  }

  private touch(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.remove(id);
      return undefined;
    }
    entry.expiresAt = this.now() + this.limits.ttlMs;
    this.entries.delete(id);
    this.entries.set(id, entry);
    return entry;
  }

  private remove(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.entries.delete(id);
    this.bytes -= entry.bytes;
    for (const item of entry.response.output) if (this.items.get(item.id!) === id) this.items.delete(item.id!);
    return true;
  }

  private evict(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) {
      const over = this.entries.size > this.limits.maxEntries || this.bytes > this.limits.maxBytes;
      if (!over && entry.expiresAt > now) break;
      this.remove(id);
    }
  }
}

/**
 * About the length of `value` as JSON, in UTF-8 bytes (escapes aside), for
 * the store's byte bound: one walk that builds nothing, where
 * `JSON.stringify` would build the whole text only to measure it. Numbers
 * count as their longest form.
 */
export function jsonBytes(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return Buffer.byteLength(value) + 2;
    case 'number':
      return 24;
    case 'boolean':
      return 5;
    case 'object': {
      if (value === null) return 4;
      let bytes = 2;
      if (Array.isArray(value)) {
        for (const element of value as unknown[]) bytes += jsonBytes(element) + 1;
        return bytes;
      }
      for (const key in value) {
        const field = (value as Record<string, unknown>)[key];
        if (field !== undefined) bytes += Buffer.byteLength(key) + 4 + jsonBytes(field);
      }
      return bytes;
    }
    default:
      return 0;
  }
}
