import { Injectable } from '@nestjs/common';
import { SharedTables } from '../../store/store.module.js';
import type { SharedTable } from '../../store/shared-table.js';
import { LONGEST_REST_MS, type RateLimitReading, type Rest, tellsNothing } from './rate-limits.js';

/** What the pool knows of one credential between requests. */
export interface CredentialLimits {
  /** The limits the last answer reported. */
  reading: RateLimitReading;
  /** Resting until then (a 429/529, a spent plan window); null when usable. */
  rest: Rest | null;
}

type Kept = CredentialLimits & { at: number };

/**
 * Each credential's limits and rest, by name, in a table every replica holds
 * whole (store/shared-table.ts): reading it is free, so a request makes no
 * call for it. With REDIS_URL the replicas share it: a credential that
 * starts or stops resting is told to the others at once, its limits within
 * a second; a credential resting on one replica gets no call from any.
 */
@Injectable()
export class PoolState {
  private readonly table: SharedTable<Kept>;

  constructor(tables: SharedTables) {
    this.table = tables.table<Kept>('pool', LONGEST_REST_MS);
  }

  read(names: readonly string[]): ReadonlyArray<CredentialLimits | undefined> {
    return names.map((name) => this.table.get(name));
  }

  /** What an answer at `at` (epoch ms) said of a credential: its limits, and its rest or null. */
  write(name: string, reading: RateLimitReading, rest: Rest | null, at: number): void {
    const kept = this.table.get(name);
    // Nothing said and nothing to clear: nothing changes (nor is there anything to tell the other replicas).
    if (rest === null && !kept?.rest && tellsNothing(reading) && (kept === undefined || tellsNothing(kept.reading))) return;
    const before = kept?.rest?.until ?? null;
    this.table.set(name, { reading, rest, at }, (rest?.until ?? null) !== before);
  }
}
