import { LRUCache } from 'lru-cache';
import {
  StateStore,
  type StoreHealth,
  type StoreLimits,
  type StoreQuery,
  type StoreRead,
  type ThinkingEntry,
  type Turn,
} from './state-store.js';

interface KeptTurn {
  value: unknown;
  previousId: string | null;
  itemIds: readonly string[];
  bytes: number;
}

interface KeptThinking {
  value: unknown;
  bytes: number;
}

/** A clock for the caches' TTLs (lru-cache's `perf`); tests pass their own. */
export type Clock = () => number;

/**
 * An lru-cache bounded by entries and bytes with a TTL checked on use (no
 * timers: ttlResolution 0, no purge scans); null when switched off.
 */
function bounded<V extends { bytes: number }>(
  limits: { maxEntries: number; maxBytes: number; ttlMs: number },
  perf: { now: Clock } | undefined,
  options: Pick<LRUCache.Options<string, V, unknown>, 'updateAgeOnGet' | 'dispose'>,
): LRUCache<string, V> | null {
  if (limits.maxEntries <= 0) return null;
  return new LRUCache<string, V>({
    max: limits.maxEntries,
    maxSize: limits.maxBytes,
    sizeCalculation: (entry) => Math.max(1, entry.bytes),
    ttl: limits.ttlMs,
    ttlResolution: 0,
    perf,
    ...options,
  });
}

/** A tenant's entry: tenants are hex digests, so ':' cannot be part of one. */
const keyOf = (tenant: string, id: string) => `${tenant}:${id}`;

/**
 * The embedded store: two lru-cache instances in this process (bounded by
 * entries and bytes, TTL checked on use, no scans), plus the item index of
 * the turns, kept in step through lru-cache's `dispose`. Per replica: with
 * several, use Redis (redis-store.ts).
 */
export class MemoryStore extends StateStore {
  private readonly turns: LRUCache<string, KeptTurn> | null;
  private readonly thinking: LRUCache<string, KeptThinking> | null;
  /** `tenant:itemId` → `tenant:turnId`. */
  private readonly items = new Map<string, string>();

  constructor(
    private readonly limits: StoreLimits,
    now?: Clock,
  ) {
    super();
    const perf = now ? { now } : undefined;
    // A turn's use starts its TTL again; thinking lives TTL from when it was kept.
    this.turns = bounded<KeptTurn>(limits.turns, perf, { updateAgeOnGet: true, dispose: (turn, key) => this.unindex(key, turn) });
    this.thinking = bounded<KeptThinking>(limits.thinking, perf, {});
  }

  /** Entries and bytes held, for tests. */
  get usage() {
    return {
      turns: this.turns?.size ?? 0,
      turnBytes: this.turns?.calculatedSize ?? 0,
      items: this.items.size,
      thinking: this.thinking?.size ?? 0,
      thinkingBytes: this.thinking?.calculatedSize ?? 0,
    };
  }

  read(tenant: string, query: StoreQuery): Promise<StoreRead> {
    const items = new Map<string, unknown>();
    for (const id of query.itemIds ?? []) {
      const owner = this.items.get(keyOf(tenant, id));
      const turn = owner === undefined ? undefined : this.turns?.get(owner);
      if (turn) items.set(id, turn.value);
    }
    const thinking = new Map<string, unknown>();
    if (this.thinking) {
      for (const id of query.callIds ?? []) {
        const entry = this.thinking.get(keyOf(tenant, id));
        if (entry) thinking.set(id, entry.value);
      }
    }
    return Promise.resolve({ chain: query.chainFrom ? this.chain(tenant, query.chainFrom) : [], items, thinking });
  }

  write(tenant: string, turn: Turn | null, thinking: ThinkingEntry | null): Promise<void> {
    if (turn && this.turns) {
      const key = keyOf(tenant, turn.id);
      // An answer larger than the whole store is not kept (lru-cache would refuse it anyway).
      if (turn.bytes <= this.limits.turns.maxBytes) {
        this.turns.set(key, { value: turn.value, previousId: turn.previousId, itemIds: turn.itemIds, bytes: turn.bytes });
        if (this.turns.has(key)) for (const item of turn.itemIds) this.items.set(keyOf(tenant, item), key);
      } else this.turns.delete(key);
    }
    if (thinking && this.thinking && thinking.bytes <= this.limits.thinking.maxBytes) {
      for (const id of thinking.callIds) this.thinking.set(keyOf(tenant, id), { value: thinking.value, bytes: thinking.bytes });
    }
    return Promise.resolve();
  }

  turn(tenant: string, id: string): Promise<unknown> {
    return Promise.resolve(this.turns?.get(keyOf(tenant, id))?.value);
  }

  deleteTurn(tenant: string, id: string): Promise<boolean> {
    return Promise.resolve(this.turns?.delete(keyOf(tenant, id)) ?? false);
  }

  health(): StoreHealth {
    return { store: 'memory', state: 'up' };
  }

  /**
   * The turns up to `id`, oldest first, each touched newest first (so the
   * oldest ends up most recently used); null when one is gone.
   */
  private chain(tenant: string, id: string): unknown[] | null {
    const turns: unknown[] = [];
    const seen = new Set<string>();
    for (let next: string | null = id; next !== null; ) {
      const turn: KeptTurn | undefined = seen.has(next) ? undefined : this.turns?.get(keyOf(tenant, next));
      if (!turn) return null;
      seen.add(next);
      turns.push(turn.value);
      next = turn.previousId;
    }
    return turns.reverse();
  }

  /** A turn left (evicted, expired, deleted or replaced): its items no longer point at it. */
  private unindex(key: string, turn: KeptTurn): void {
    const tenant = key.slice(0, key.indexOf(':'));
    for (const item of turn.itemIds) {
      const itemKey = keyOf(tenant, item);
      if (this.items.get(itemKey) === key) this.items.delete(itemKey);
    }
  }
}
