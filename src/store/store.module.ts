import { Global, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { rememberConfiguredSecret } from '../common/redaction/redact.js';
import { AppConfig } from '../config/app-config.js';
import { GatewayMetrics } from '../observability/metrics/gateway-metrics.js';
import { MemoryStore } from './memory-store.js';
import { loadRedis, RedisConnection, RedisStore, type StoreObserver } from './redis-store.js';
import { RedisLock, SharedLock } from './shared-lock.js';
import { RedisTable, SharedTable, type Stamped } from './shared-table.js';
import { StateStore, type StoreLimits } from './state-store.js';

/** Bounds of the thinking cache besides its entry count: a tool loop continues within the hour. */
const THINKING_CACHE_BYTES = 64 * 1024 * 1024;
const THINKING_CACHE_TTL_MS = 60 * 60 * 1000;

export function storeLimits(config: AppConfig): StoreLimits {
  return {
    turns: {
      maxEntries: config.get('RESPONSES_STORE_MAX_ENTRIES'),
      maxBytes: config.get('RESPONSES_STORE_MAX_MB') * 1024 * 1024,
      ttlMs: config.get('RESPONSES_STORE_TTL_SECONDS') * 1000,
    },
    thinking: { maxEntries: config.get('THINKING_CACHE_ENTRIES'), maxBytes: THINKING_CACHE_BYTES, ttlMs: THINKING_CACHE_TTL_MS },
  };
}

/** The Redis connection when REDIS_URL is set; closed when the application stops. */
export class StoreConnection implements OnApplicationShutdown {
  /** node-redis is loaded here, only when REDIS_URL is set (see `loadRedis`). */
  static async create(config: AppConfig): Promise<StoreConnection> {
    const url = config.get('REDIS_URL');
    if (!url) return new StoreConnection(null);
    // The password may show in a driver's message: redacted by value, decoded or not.
    const { password, username, host } = new URL(url);
    for (const secret of [password, decodeURIComponent(password)]) if (secret.length >= 4) rememberConfiguredSecret(secret);
    new Logger('Store').log(`Shared state in Redis at ${host} (prefix ${config.get('REDIS_KEY_PREFIX')}${username ? ', with a user' : ''})`);
    const redis = new RedisConnection(url, await loadRedis());
    redis.open();
    return new StoreConnection(redis);
  }

  private constructor(readonly redis: RedisConnection | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.close();
  }
}

/**
 * Makes the small tables every replica holds whole (shared-table.ts, the
 * pool's rests and limits): synced through Redis with REDIS_URL, this
 * process's own otherwise. Their timers stop when the application does.
 */
@Injectable()
export class SharedTables implements OnApplicationShutdown {
  private readonly made: SharedTable<Stamped>[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly connection: StoreConnection,
    private readonly metrics: GatewayMetrics,
  ) {}

  /** A table by name, forgotten in Redis `ttlMs` after its last sync. */
  table<V extends Stamped>(name: string, ttlMs: number): SharedTable<V> {
    const redis = this.connection.redis;
    const table = redis ? new RedisTable<V>(redis, this.config.get('REDIS_KEY_PREFIX'), name, ttlMs, observer(this.metrics)) : new SharedTable<V>();
    this.made.push(table);
    return table;
  }

  onApplicationShutdown(): void {
    for (const table of this.made) table.close();
  }
}

/**
 * Where the gateway keeps what it remembers (state-store.ts): in this process
 * by default, in Redis with REDIS_URL. Global: the Responses feature, the
 * chat feature's thinking cache, the login refresh and the credential pool
 * all use it.
 */
@Global()
@Module({
  providers: [
    { provide: StoreConnection, inject: [AppConfig], useFactory: (config: AppConfig) => StoreConnection.create(config) },
    SharedTables,
    {
      provide: StateStore,
      inject: [AppConfig, StoreConnection, GatewayMetrics],
      useFactory: (config: AppConfig, connection: StoreConnection, metrics: GatewayMetrics): StateStore => {
        const limits = storeLimits(config);
        if (!connection.redis) return new MemoryStore(limits);
        return new RedisStore(connection.redis, config.get('REDIS_KEY_PREFIX'), limits, observer(metrics));
      },
    },
    {
      provide: SharedLock,
      inject: [AppConfig, StoreConnection, GatewayMetrics],
      useFactory: (config: AppConfig, connection: StoreConnection, metrics: GatewayMetrics): SharedLock =>
        connection.redis ? new RedisLock(connection.redis, config.get('REDIS_KEY_PREFIX'), observer(metrics)) : new SharedLock(),
    },
  ],
  exports: [StateStore, SharedLock, SharedTables],
})
export class StoreModule {}

const observer =
  (metrics: GatewayMetrics): StoreObserver =>
  (operation, seconds, ok) =>
    metrics.storeCalled(operation, seconds, ok);
