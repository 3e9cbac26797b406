import type { RateLimitReading, Rest } from './rate-limits.js';

/** What the pool knows of one credential between requests. */
export interface CredentialLimits {
  /** The limits the last answer reported. */
  reading: RateLimitReading;
  /** Resting until then (a 429/529, a spent plan window); null when usable. */
  rest: Rest | null;
}

/**
 * Where the pool keeps each credential's limits and rest: in memory for now,
 * behind this small interface so that replicas can share it (Redis) later.
 * Asynchronous for that reason; a failing store must cost only the requests
 * that need it, so callers treat a failed read as "nothing known".
 */
export interface PoolStateStore {
  read(names: readonly string[]): Promise<ReadonlyArray<CredentialLimits | undefined>>;
  write(name: string, limits: CredentialLimits): Promise<void>;
}

export const POOL_STATE_STORE = Symbol('PoolStateStore');

/** One replica's memory: a map by credential name (a handful of entries). */
export class InMemoryPoolState implements PoolStateStore {
  private readonly limits = new Map<string, CredentialLimits>();

  async read(names: readonly string[]): Promise<ReadonlyArray<CredentialLimits | undefined>> {
    return names.map((name) => this.limits.get(name));
  }

  async write(name: string, limits: CredentialLimits): Promise<void> {
    this.limits.set(name, limits);
  }
}
