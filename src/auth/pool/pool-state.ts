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

const NOTHING: RateLimitReading = Object.freeze({ documented: Object.freeze({}) }) as RateLimitReading;

/**
 * Each credential's limits and rest, by name, in two tables every replica
 * holds whole (store/shared-table.ts): reading them is free, so a request
 * makes no call for them. With REDIS_URL the replicas share them: a rest is
 * told to the others at once, the limits within a second; a credential
 * resting on one replica gets no call from any.
 *
 * A rest ends when its time is up, never by an answer: a credential that
 * rests gets no call, so the only answers it can still give are those of
 * requests sent before the rest began (on this replica or another), which
 * say nothing about whether the limit is over. In each table the newest
 * record wins: the latest limits read, the latest rest imposed.
 */
@Injectable()
export class PoolState {
  private readonly limits: SharedTable<{ reading: RateLimitReading; at: number }>;
  private readonly rests: SharedTable<{ rest: Rest; at: number }>;

  constructor(tables: SharedTables) {
    this.limits = tables.table('pool-limits', LONGEST_REST_MS);
    this.rests = tables.table('pool-rests', LONGEST_REST_MS);
  }

  read(names: readonly string[]): ReadonlyArray<CredentialLimits | undefined> {
    return names.map((name) => {
      const limits = this.limits.get(name);
      const rest = this.rests.get(name);
      return limits === undefined && rest === undefined ? undefined : { reading: limits?.reading ?? NOTHING, rest: rest?.rest ?? null };
    });
  }

  /** What an answer at `at` (epoch ms) said of a credential: its limits, and the rest it imposes, if any. */
  write(name: string, reading: RateLimitReading, rest: Rest | null, at: number): void {
    if (rest !== null) this.rests.set(name, { rest, at }, true);
    // An answer without limits over none known: nothing changes (nor is there anything to tell the other replicas).
    const kept = this.limits.get(name);
    if (tellsNothing(reading) && (kept === undefined || tellsNothing(kept.reading))) return;
    this.limits.set(name, { reading, at });
  }
}
