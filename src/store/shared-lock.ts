import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { redactSecrets } from '../common/redaction/redact.js';
import type { RedisConnection, StoreObserver } from './redis-store.js';
import { SCRIPTS } from './store-scripts.js';

/** How often a replica waiting for another's lock looks again. */
const POLL_MS = 250;

export type LockOutcome<T> = { ran: true; value: T } | { ran: false };

/**
 * Work that one replica at a time may do (the Claude Code login refresh):
 * the holder runs it, the others wait until it is done and then read its
 * result themselves (`ran: false`). In one process there is nobody to wait
 * for, so the work always runs (each service keeps its own single flight).
 */
export class SharedLock {
  exclusive<T>(_name: string, _holdMs: number, work: () => Promise<T>): Promise<LockOutcome<T>> {
    return work().then((value) => ({ ran: true, value }));
  }
}

/**
 * The lock in Redis: `SET key token NX PX holdMs`, released by a script that
 * deletes it only if it still holds this holder's token. It expires by
 * itself if its holder dies. When Redis does not answer, the work runs here
 * anyway: a login renewed twice costs little, a login not renewed costs
 * every request.
 */
export class RedisLock extends SharedLock {
  private readonly logger = new Logger('Store');

  constructor(
    private readonly connection: RedisConnection,
    private readonly prefix: string,
    private readonly observe: StoreObserver = () => undefined,
    private readonly pollMs = POLL_MS,
  ) {
    super();
  }

  override async exclusive<T>(name: string, holdMs: number, work: () => Promise<T>): Promise<LockOutcome<T>> {
    const key = `${this.prefix}lock:${name}`;
    const token = randomBytes(16).toString('hex');
    const acquired = await this.call(['SET', key, token, 'NX', 'PX', String(holdMs)]);
    if (acquired === undefined) return { ran: true, value: await work() };
    if (acquired === null) {
      this.logger.log(`Another replica holds the ${name} lock: waiting for it, then reading its result`);
      await this.released(key, holdMs);
      return { ran: false };
    }
    try {
      return { ran: true, value: await work() };
    } finally {
      await this.connection.run(SCRIPTS.unlock, [key, token]).catch(() => undefined);
    }
  }

  /** Until the key is gone (released or expired); a Redis failure ends the wait too. */
  private async released(key: string, holdMs: number): Promise<void> {
    const until = Date.now() + holdMs;
    while (Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
      const held = await this.call(['EXISTS', key]);
      if (held !== 1) return;
    }
  }

  /** The reply, or undefined when Redis did not answer (logged and counted). */
  private async call(args: string[]): Promise<unknown> {
    const started = performance.now();
    try {
      const reply = await this.connection.command(args);
      this.observe('lock', (performance.now() - started) / 1000, true);
      return reply;
    } catch (error) {
      this.observe('lock', (performance.now() - started) / 1000, false);
      this.logger.warn(`Lock not available (${redactSecrets((error as Error).message)}): running without it`);
      return undefined;
    }
  }
}
