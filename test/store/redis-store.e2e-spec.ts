import { randomBytes } from 'node:crypto';
import { loadRedis, RedisConnection, RedisStore } from '../../src/store/redis-store.js';
import { RedisLock } from '../../src/store/shared-lock.js';
import { RedisTable } from '../../src/store/shared-table.js';
import { waitFor } from '../support/claude-home.js';
import { limitsFor, storeContract } from '../support/store-contract.js';
import { RedisServer, redisOrSkip } from '../support/redis-server.js';

/*
 * The Redis home of the store against a real redis-server (with a password,
 * as a managed Redis has): the same contract as the in-process store, on real
 * time; then the lock that lets one replica at a time renew the login, and
 * the small tables every replica holds a copy of (the pool's rests).
 */

const run = redisOrSkip();
const describeRedis = run ? describe : describe.skip;

describeRedis('RedisStore on a real Redis', () => {
  let server: RedisServer;
  const connections: RedisConnection[] = [];

  const connect = async () => {
    const connection = new RedisConnection(server.url, await loadRedis());
    connections.push(connection);
    connection.open();
    await waitFor(() => connection.ready, 'a connection to Redis', 15_000);
    return connection;
  };

  beforeAll(async () => {
    server = await RedisServer.start({ password: `pw-${randomBytes(8).toString('hex')}` });
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await server?.stop();
  });

  describe('the store contract', () => {
    // A prefix per case: each starts with an empty store of its own bounds.
    storeContract(async (limits) => {
      const connection = connections[0] ?? (await connect());
      return {
        store: new RedisStore(connection, `t${randomBytes(4).toString('hex')}:`, limits),
        pass: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      };
    }, 6000);
  });

  it('keeps no client key or tenant-free key in Redis: every key is under the prefix', async () => {
    const connection = await connect();
    const store = new RedisStore(connection, 'iso:', limitsFor(60_000));
    await store.write('f'.repeat(32), { id: 'r1', previousId: null, itemIds: ['i1'], bytes: 10, value: {} }, null);
    const keys = (await connection.command(['KEYS', '*'])) as string[];
    expect(keys.filter((key) => !/^[a-z0-9]+:/.test(key))).toEqual([]);
    expect(keys).toContain(`iso:r:${'f'.repeat(32)}:r1`);
  });

  it('lets one holder at a time run locked work; the others wait for it and do not run it', async () => {
    const a = new RedisLock(await connect(), 'lock:', undefined, 20);
    const b = new RedisLock(await connect(), 'lock:', undefined, 20);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let runs = 0;
    const first = a.exclusive('refresh', 30_000, async () => {
      runs++;
      await held;
      return 'renewed';
    });
    await waitFor(() => runs === 1, 'the locked run', 15_000);
    let secondDone = false;
    const second = b.exclusive('refresh', 30_000, async () => runs++).finally(() => (secondDone = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(secondDone).toBe(false);
    release();
    expect(await first).toEqual({ ran: true, value: 'renewed' });
    expect(await second).toEqual({ ran: false });
    expect(runs).toBe(1);
    // Released: the next holder runs.
    expect(await b.exclusive('refresh', 30_000, async () => 'again')).toEqual({ ran: true, value: 'again' });
  });

  describe('a shared table', () => {
    // A sync period no test waits for: each case syncs by hand, or by an urgent record.
    const table = async (prefix: string) => new RedisTable<{ at: number; says: string }>(await connect(), prefix, 'pool', 60_000, undefined, 3_600_000);

    it('gives every copy the newest record of each name, whatever order the copies sync in', async () => {
      const [one, two] = [await table('tbl1:'), await table('tbl1:')];
      try {
        one.set('team', { at: 2000, says: 'resting' });
        two.set('team', { at: 1000, says: 'usable, from an older answer' });
        two.set('spare', { at: 1500, says: 'usable' });
        await one.sync();
        await two.sync();
        await one.sync();
        for (const copy of [one, two]) {
          expect(copy.get('team')).toEqual({ at: 2000, says: 'resting' });
          expect(copy.get('spare')).toEqual({ at: 1500, says: 'usable' });
        }
        // A newer record replaces it everywhere.
        two.set('team', { at: 3000, says: 'usable again' });
        await two.sync();
        await one.sync();
        expect(one.get('team')).toEqual({ at: 3000, says: 'usable again' });
      } finally {
        one.close();
        two.close();
      }
    });

    it('sends an urgent record at once, and expires the table in Redis after its last sync', async () => {
      const [one, two] = [await table('tbl2:'), await table('tbl2:')];
      try {
        const connection = await connect();
        one.set('plan', { at: Date.now(), says: 'resting' }, true);
        // In Redis without a sync being asked for (the period is an hour).
        for (let i = 0; (await connection.command(['HEXISTS', 'tbl2:table:pool', 'plan'])) !== 1; i++) {
          if (i > 500) throw new Error('the urgent record never reached Redis');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(two.get('plan')).toBeUndefined();
        await two.sync();
        expect(two.get('plan')).toMatchObject({ says: 'resting' });
        const ttl = (await connection.command(['PTTL', 'tbl2:table:pool'])) as number;
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(60_000);
      } finally {
        one.close();
        two.close();
      }
    });

    it('gives a Redis that restarted empty what the copies know, once they are connected again', async () => {
      const one = await table('tbl3:');
      try {
        one.set('team', { at: 1000, says: 'resting' }, true);
        const probe = await connect();
        await waitFor(async () => (await probe.command(['HEXISTS', 'tbl3:table:pool', 'team'])) === 1, 'the record in Redis', 15_000);
        await server.stop();
        await server.start();
        // Nothing set since: the copy goes up again on its own when its client is back.
        await waitFor(async () => (await probe.command(['HEXISTS', 'tbl3:table:pool', 'team']).catch(() => 0)) === 1, 'the copy sent again to the restarted Redis', 30_000);
        const two = await table('tbl3:');
        try {
          await two.sync();
          expect(two.get('team')).toEqual({ at: 1000, says: 'resting' });
        } finally {
          two.close();
        }
      } finally {
        one.close();
      }
    }, 60_000);
  });
});
