import { Logger } from '@nestjs/common';
import type { RedisClientType } from '@redis/client';
import { GatewayError } from '../common/errors/gateway-error.js';
import { redactSecrets } from '../common/redaction/redact.js';
import { SCRIPTS, type Script } from './store-scripts.js';
import {
  StateStore,
  type StoreHealth,
  type StoreLimits,
  type StoreQuery,
  type StoreRead,
  type ThinkingEntry,
  type Turn,
} from './state-store.js';

/**
 * The longest a store call may take, waiting to be sent or for its reply; a
 * request that needs the store then fails with a 503 within 2 s, never later.
 * While the connection is down a call fails at once (no offline queue).
 */
export const STORE_TIMEOUT_MS = 1500;

/** Reconnection backoff: 100 ms, 200 ms, ... at most 2 s between attempts, for ever. */
const reconnectDelay = (retries: number) => Math.min((retries + 1) * 100, 2000);

export type StoreOperation = 'read' | 'write' | 'get' | 'delete' | 'lock' | 'sync';

/** What each store call reports, for metrics (duration and outcome per operation). */
export type StoreObserver = (operation: StoreOperation, seconds: number, ok: boolean) => void;

/** 503 in OpenAI's shape: the request needed the shared store, which did not answer. */
export function storeUnavailable(cause?: unknown): GatewayError {
  return new GatewayError(
    503,
    'The response store (Redis) is unavailable, so this request, which needs stored state, cannot be served now. Retry shortly.',
    { type: 'server_error', code: 'store_unavailable', headers: { 'retry-after': '1' }, cause },
  );
}

type Client = RedisClientType;

/** node-redis, loaded only by a gateway configured with Redis (see `loadRedis`). */
type NodeRedis = typeof import('@redis/client');

/**
 * node-redis itself, loaded when REDIS_URL is set and never otherwise: a
 * gateway that merely has it loaded, unused, spends about 6 % more CPU per
 * request (`npm run bench:compare`, builds with and without the import,
 * alternating rounds: 0.936 and 0.943 in the two orders).
 */
export function loadRedis(): Promise<NodeRedis> {
  return import('@redis/client');
}

/**
 * One connection to Redis (node-redis), made at start-up and kept: commands
 * issued in the same tick are pipelined by the client, it reconnects on its
 * own with backoff, and it never queues a command while disconnected, so a
 * request needing the store fails fast rather than waiting for Redis.
 */
export class RedisConnection {
  private readonly logger = new Logger('Store');
  readonly client: Client;
  private lastError: string | null = null;
  private closed = false;

  /** `redis`: node-redis, from `loadRedis()`. */
  constructor(
    url: string,
    private readonly redis: NodeRedis,
  ) {
    this.client = redis.createClient({
      url,
      disableOfflineQueue: true,
      socket: { connectTimeout: STORE_TIMEOUT_MS, reconnectStrategy: reconnectDelay },
    }) as Client;
    this.client.on('error', (error: Error) => {
      const message = redactSecrets(error.message || error.name);
      // Said once per kind of failure, not once per reconnection attempt.
      if (message !== this.lastError) this.logger.warn(`Redis: ${message}`);
      this.lastError = message;
    });
    this.client.on('ready', () => {
      if (this.lastError !== null) this.logger.log('Redis: connected again');
      this.lastError = null;
      // Loaded ahead so the first request after a (re)start finds them (EVALSHA).
      for (const { text } of Object.values(SCRIPTS)) void this.client.sendCommand(['SCRIPT', 'LOAD', text]).catch(() => undefined);
    });
  }

  /** Connects in the background: start-up never waits for Redis, and the client keeps trying. */
  open(): void {
    this.client.connect().catch((error: Error) => {
      if (!this.closed) this.logger.warn(`Redis: ${redactSecrets(error.message)}`);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.client.isOpen) await this.client.close().catch(() => this.client.destroy());
    else this.client.destroy();
  }

  get ready(): boolean {
    return this.client.isReady;
  }

  get problem(): string | null {
    return this.ready ? null : (this.lastError ?? 'not connected yet');
  }

  /** Runs a script by its digest, loading it once when Redis does not know it (after a restart). */
  async run(script: Script, args: readonly string[]): Promise<unknown> {
    const options = { timeout: STORE_TIMEOUT_MS, rejectInFlight: true };
    try {
      return await this.client.sendCommand(['EVALSHA', script.sha, '0', ...args], options);
    } catch (error) {
      if (!(error instanceof this.redis.ErrorReply && error.message.startsWith('NOSCRIPT'))) throw error;
      return this.client.sendCommand(['EVAL', script.text, '0', ...args], options);
    }
  }

  /** A plain command with the same time limit. */
  command(args: readonly string[]): Promise<unknown> {
    return this.client.sendCommand([...args], { timeout: STORE_TIMEOUT_MS, rejectInFlight: true });
  }
}

const NONE = '';

/**
 * The store in Redis, shared by every replica (see store-scripts.ts for the
 * keys and the bounds). Values go in as JSON. A failed or slow call rejects
 * with `storeUnavailable` (503 `store_unavailable`) and is counted.
 */
export class RedisStore extends StateStore {
  constructor(
    private readonly connection: RedisConnection,
    private readonly prefix: string,
    private readonly limits: StoreLimits,
    private readonly observe: StoreObserver = () => undefined,
  ) {
    super();
  }

  async read(tenant: string, query: StoreQuery): Promise<StoreRead> {
    const itemIds = query.itemIds ?? [];
    const callIds = this.limits.thinking.maxEntries > 0 ? (query.callIds ?? []) : [];
    const args = [this.prefix, tenant, String(this.limits.turns.ttlMs), query.chainFrom ?? NONE, String(itemIds.length), ...itemIds, ...callIds];
    const [missing, chain, items, thinking] = (await this.call('read', SCRIPTS.read, args)) as [number, string[], string[], string[]];
    return {
      chain: query.chainFrom ? (missing ? null : chain.reverse().map(parse)) : [],
      items: found(itemIds, items),
      thinking: found(callIds, thinking),
    };
  }

  async write(tenant: string, turn: Turn | null, thinking: ThinkingEntry | null): Promise<void> {
    const { turns, thinking: bounds } = this.limits;
    const keepTurn = turn !== null && turns.maxEntries > 0;
    const keepThinking = thinking !== null && thinking.callIds.length > 0 && bounds.maxEntries > 0 && thinking.bytes <= bounds.maxBytes;
    if (!keepTurn && !keepThinking) return;
    const args = [this.prefix, tenant];
    if (keepTurn) {
      args.push(turn.id, turn.previousId ?? NONE, turn.itemIds.join(' '), String(turn.bytes), JSON.stringify(turn.value));
    } else args.push(NONE, NONE, NONE, '0', NONE);
    args.push(String(turns.ttlMs), String(turns.maxEntries), String(turns.maxBytes));
    args.push(String(bounds.ttlMs), String(bounds.maxEntries), String(bounds.maxBytes));
    if (keepThinking) args.push(String(thinking.bytes), JSON.stringify(thinking.value), ...thinking.callIds);
    else args.push('0', NONE);
    await this.call('write', SCRIPTS.write, args);
  }

  async turn(tenant: string, id: string): Promise<unknown> {
    const value = (await this.call('get', SCRIPTS.get, [this.prefix, tenant, id, String(this.limits.turns.ttlMs)])) as string | null;
    return value === null ? undefined : parse(value);
  }

  async deleteTurn(tenant: string, id: string): Promise<boolean> {
    return (await this.call('delete', SCRIPTS.delete, [this.prefix, tenant, id])) === 1;
  }

  health(): StoreHealth {
    const problem = this.connection.problem;
    return problem === null ? { store: 'redis', state: 'up' } : { store: 'redis', state: 'degraded', detail: problem };
  }

  private async call(operation: StoreOperation, script: Script, args: string[]): Promise<unknown> {
    const started = performance.now();
    try {
      const reply = await this.connection.run(script, args);
      this.observe(operation, (performance.now() - started) / 1000, true);
      return reply;
    } catch (error) {
      this.observe(operation, (performance.now() - started) / 1000, false);
      throw storeUnavailable(error);
    }
  }
}

const parse = (json: string): unknown => JSON.parse(json);

function found(ids: readonly string[], values: readonly string[]): Map<string, unknown> {
  const map = new Map<string, unknown>();
  ids.forEach((id, i) => {
    if (values[i]) map.set(id, parse(values[i]));
  });
  return map;
}
