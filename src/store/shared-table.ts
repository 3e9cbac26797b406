import { Logger } from '@nestjs/common';
import { redactSecrets } from '../common/redaction/redact.js';
import type { RedisConnection, StoreObserver } from './redis-store.js';
import { SCRIPTS } from './store-scripts.js';

/** A record of a shared table: `at` (epoch ms) is when what it says was true; the newest wins. */
export interface Stamped {
  at: number;
}

/**
 * A small table (a handful of records by name, such as each credential's
 * rest and limits) that every replica holds whole, so reading it costs no
 * call at all. In one process it is just that copy.
 */
export class SharedTable<V extends Stamped> {
  protected readonly records = new Map<string, V>();

  get(name: string): V | undefined {
    return this.records.get(name);
  }

  /** Keeps a record; `urgent`: the other replicas should learn it now, not at the next sync. */
  set(name: string, value: V, _urgent = false): void {
    this.records.set(name, value);
  }

  close(): void {}
}

/** How often a replica sends what it learnt and reads what the others did. */
export const TABLE_SYNC_MS = 1000;

/**
 * The table shared through Redis (one hash, `P table:name`, field = record
 * name, value = `at|json`). Each replica keeps its copy and syncs it in the
 * background, one round trip each time: what changed here goes up and is
 * kept where it is newer than what Redis holds, and the whole table comes
 * back and is kept here where it is newer than the copy. An urgent record is
 * synced at once; anything else within `syncMs`. Each time the client
 * connects (at start-up, after an outage) the whole copy goes up and the
 * table comes back at once: a new replica learns the table before its first
 * tick, and a Redis that restarted empty gets back what the replicas know. When Redis does not answer,
 * the copy serves on alone and what changed here goes up at the next sync
 * that works (logged once, counted). Stamps come from each replica's clock:
 * replicas whose clocks disagree by a second may order two records of the
 * same second wrongly, which the next answer corrects.
 */
export class RedisTable<V extends Stamped> extends SharedTable<V> {
  private readonly logger = new Logger('Store');
  private readonly key: string;
  private readonly changed = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private syncing: Promise<void> | null = null;
  private again = false;
  private failing = false;
  private readonly connected = () => {
    for (const name of this.records.keys()) this.changed.add(name);
    void this.sync();
  };

  constructor(
    private readonly connection: RedisConnection,
    prefix: string,
    name: string,
    private readonly ttlMs: number,
    private readonly observe: StoreObserver = () => undefined,
    syncMs = TABLE_SYNC_MS,
  ) {
    super();
    this.key = `${prefix}table:${name}`;
    this.timer = setInterval(() => void this.sync(), syncMs).unref();
    connection.client.on('ready', this.connected);
    if (connection.ready) this.connected();
  }

  override set(name: string, value: V, urgent = false): void {
    super.set(name, value);
    this.changed.add(name);
    if (urgent) void this.sync();
  }

  override close(): void {
    clearInterval(this.timer);
    this.connection.client.off('ready', this.connected);
  }

  /** One sync; a call while one is under way runs another right after it (so an urgent record is never left for a second). */
  sync(): Promise<void> {
    if (this.syncing) {
      this.again = true;
      return this.syncing;
    }
    this.syncing = this.exchange().finally(() => {
      this.syncing = null;
      if (this.again) {
        this.again = false;
        void this.sync();
      }
    });
    return this.syncing;
  }

  private async exchange(): Promise<void> {
    // Down already and said so: nothing to try until the client is connected again.
    if (this.failing && !this.connection.ready) return;
    const sending = [...this.changed];
    this.changed.clear();
    const args = [this.key, String(this.ttlMs)];
    for (const name of sending) {
      const record = this.records.get(name)!;
      args.push(name, String(record.at), JSON.stringify(record));
    }
    const started = performance.now();
    let reply: unknown;
    try {
      reply = await this.connection.run(SCRIPTS.merge, args);
    } catch (error) {
      this.observe('sync', (performance.now() - started) / 1000, false);
      for (const name of sending) this.changed.add(name);
      if (!this.failing) this.logger.warn(`Shared ${this.key} not synced, this replica goes on with its own copy: ${redactSecrets((error as Error).message)}`);
      this.failing = true;
      return;
    }
    this.observe('sync', (performance.now() - started) / 1000, true);
    if (this.failing) this.logger.log(`Shared ${this.key} synced again`);
    this.failing = false;
    const flat = reply as string[];
    for (let i = 0; i + 1 < flat.length; i += 2) this.take(flat[i], flat[i + 1]);
  }

  /** A record from Redis, kept when it is newer than this copy's. */
  private take(name: string, stored: string): void {
    const bar = stored.indexOf('|');
    const at = Number(stored.slice(0, bar));
    const own = this.records.get(name);
    if (own !== undefined && own.at >= at) return;
    try {
      this.records.set(name, JSON.parse(stored.slice(bar + 1)) as V);
    } catch {
      // Not a record this version wrote: left alone.
    }
  }
}
