/**
 * What the gateway remembers between requests, behind one interface with two
 * homes: in this process (the default) or in Redis (REDIS_URL), shared by
 * every replica. Two kinds of entry, both scoped by tenant (a keyed hash of
 * the client key, never the key itself; see auth/tenant.ts):
 *
 * - turns of the Responses API: one stored response and its own input, a
 *   link to the turn before it, and the ids of its output items (for
 *   `item_reference`). Bounded in entries and bytes, least recently used
 *   out first, forgotten `ttl` after their last use;
 * - signed thinking, kept by tool-call id for clients that drop it. Bounded
 *   the same way, forgotten `ttl` after it was written.
 *
 * Values are opaque here (the features own their shapes). A read and a
 * write are one round trip each to Redis, whatever they carry, so a
 * Responses call costs at most two; a request that needs neither makes none.
 * Credential rests and limits are not entries of this store: they are a
 * small table every replica holds whole (shared-table.ts), so that reading
 * them costs a request nothing.
 */

/** One stored Responses turn. */
export interface Turn {
  id: string;
  previousId: string | null;
  /** Ids of the output items it holds, for `item_reference`. */
  itemIds: readonly string[];
  /** What it costs against the store's byte bound. */
  bytes: number;
  value: unknown;
}

/** Signed thinking, remembered under each tool call it preceded. */
export interface ThinkingEntry {
  callIds: readonly string[];
  bytes: number;
  value: unknown;
}

export interface StoreQuery {
  /** The turn whose whole conversation is wanted (`previous_response_id`). */
  chainFrom?: string | null;
  /** Output item ids whose turn is wanted (`item_reference`). */
  itemIds?: readonly string[];
  /** Tool-call ids whose thinking is wanted. */
  callIds?: readonly string[];
}

export interface StoreRead {
  /** The conversation's turns, oldest first; null when `chainFrom` or a turn before it is gone. Empty without `chainFrom`. */
  chain: unknown[] | null;
  /** Item id → the value of the turn that holds it. */
  items: Map<string, unknown>;
  /** Tool-call id → its thinking. */
  thinking: Map<string, unknown>;
}

export interface StoreLimits {
  turns: { maxEntries: number; maxBytes: number; ttlMs: number };
  thinking: { maxEntries: number; maxBytes: number; ttlMs: number };
}

/** How the store is, for readiness details: never a reason to take the pod out of the Service. */
export interface StoreHealth {
  store: 'memory' | 'redis';
  state: 'up' | 'degraded';
  detail?: string;
}

/** The Nest token and the contract both homes keep (state-store.contract.ts runs the same cases on each). */
export abstract class StateStore {
  abstract read(tenant: string, query: StoreQuery): Promise<StoreRead>;
  /** Keeps a turn and/or thinking; one round trip. */
  abstract write(tenant: string, turn: Turn | null, thinking: ThinkingEntry | null): Promise<void>;
  /** A turn by id, as a use (its TTL starts again). */
  abstract turn(tenant: string, id: string): Promise<unknown>;
  abstract deleteTurn(tenant: string, id: string): Promise<boolean>;
  abstract health(): StoreHealth;
}
