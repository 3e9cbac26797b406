import type { StateStore, StoreLimits, Turn } from '../../src/store/state-store.js';

/**
 * What both homes of the store (in process, Redis) must do, run against each:
 * memory-store.spec.ts on a scripted clock, redis-store.e2e-spec.ts on a real
 * Redis and real time. `ttlMs` is each home's TTL for the cases (real time
 * wants a TTL long enough that a busy machine never expires an entry early).
 */
export interface StoreUnderTest {
  store: StateStore;
  /** Lets this much time pass, on the store's clock. */
  pass(ms: number): Promise<void>;
}

export type MakeStore = (limits: StoreLimits) => Promise<StoreUnderTest>;

export function limitsFor(ttlMs: number, changes: { turns?: Partial<StoreLimits['turns']>; thinking?: Partial<StoreLimits['thinking']> } = {}): StoreLimits {
  return {
    turns: { maxEntries: 10, maxBytes: 100_000, ttlMs, ...changes.turns },
    thinking: { maxEntries: 10, maxBytes: 100_000, ttlMs, ...changes.thinking },
  };
}

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);

const turn = (id: string, previousId: string | null = null, bytes = 100): Turn => ({
  id,
  previousId,
  itemIds: [`item_${id}`],
  bytes,
  value: { id, text: `turn ${id}` },
});
const value = (id: string) => ({ id, text: `turn ${id}` });
const thought = (text: string) => ({ callIds: [] as string[], bytes: text.length, value: [{ type: 'thinking', thinking: text, signature: 'sig' }] });

export function storeContract(make: MakeStore, ttlMs: number): void {
  const store = (changes?: Parameters<typeof limitsFor>[1]) => make(limitsFor(ttlMs, changes));

  it('rebuilds a conversation oldest first, and finds items and thinking, in one read', async () => {
    const { store: s } = await store();
    await s.write(A, turn('r1'), null);
    await s.write(A, turn('r2', 'r1'), { ...thought('hmm'), callIds: ['call_1', 'call_2'] });
    const read = await s.read(A, { chainFrom: 'r2', itemIds: ['item_r1', 'item_nope'], callIds: ['call_2', 'call_nope'] });
    expect(read.chain).toEqual([value('r1'), value('r2')]);
    expect([...read.items]).toEqual([['item_r1', value('r1')]]);
    expect([...read.thinking]).toEqual([['call_2', thought('hmm').value]]);
    expect((await s.read(A, {})).chain).toEqual([]);
    expect(await s.turn(A, 'r1')).toEqual(value('r1'));
  });

  it('keeps each tenant to itself: another tenant finds, reads and deletes nothing', async () => {
    const { store: s } = await store();
    await s.write(A, turn('r1'), { ...thought('secret'), callIds: ['call_1'] });
    expect(await s.turn(B, 'r1')).toBeUndefined();
    expect(await s.deleteTurn(B, 'r1')).toBe(false);
    const read = await s.read(B, { chainFrom: 'r1', itemIds: ['item_r1'], callIds: ['call_1'] });
    expect(read.chain).toBeNull();
    expect(read.items.size).toBe(0);
    expect(read.thinking.size).toBe(0);
    // Still there for its own tenant.
    expect(await s.turn(A, 'r1')).toEqual(value('r1'));
  });

  it('misses a conversation whose turns loop back on themselves', async () => {
    const { store: s } = await store();
    await s.write(A, turn('r1', 'r2'), null);
    await s.write(A, turn('r2', 'r1'), null);
    expect((await s.read(A, { chainFrom: 'r2' })).chain).toBeNull();
  });

  it('holds at most maxEntries turns, least recently used out first, with their items', async () => {
    const { store: s } = await store({ turns: { maxEntries: 2 } });
    await s.write(A, turn('r1'), null);
    await s.write(A, turn('r2'), null);
    await s.turn(A, 'r1');
    await s.write(A, turn('r3'), null);
    expect(await s.turn(A, 'r2')).toBeUndefined();
    expect(await s.turn(A, 'r1')).toBeDefined();
    expect(await s.turn(A, 'r3')).toBeDefined();
    expect((await s.read(A, { itemIds: ['item_r2'] })).items.size).toBe(0);
  });

  it('holds at most maxBytes, and never a turn larger than that', async () => {
    const { store: s } = await store({ turns: { maxBytes: 250 } });
    for (const id of ['r1', 'r2', 'r3']) await s.write(A, turn(id), null);
    expect(await s.turn(A, 'r1')).toBeUndefined();
    expect(await s.turn(A, 'r3')).toBeDefined();
    await s.write(A, turn('big', null, 300), null);
    expect(await s.turn(A, 'big')).toBeUndefined();
    expect(await s.turn(A, 'r3')).toBeDefined();
  });

  it('forgets a turn TTL after its last use, and then misses the whole conversation', async () => {
    const { store: s, pass } = await store();
    await s.write(A, turn('r1'), null);
    await s.write(A, turn('r2', 'r1'), null);
    await pass(ttlMs * 0.5);
    expect(await s.turn(A, 'r2')).toBeDefined();
    await pass(ttlMs * 0.75);
    // r1 was last used at 0: gone, so r2's conversation is incomplete.
    expect((await s.read(A, { chainFrom: 'r2' })).chain).toBeNull();
    expect((await s.read(A, { itemIds: ['item_r1'] })).items.size).toBe(0);
  });

  it('deletes a turn with its items, and keeps nothing at maxEntries 0', async () => {
    const { store: s } = await store();
    await s.write(A, turn('r1'), null);
    expect(await s.deleteTurn(A, 'r1')).toBe(true);
    expect(await s.deleteTurn(A, 'r1')).toBe(false);
    expect((await s.read(A, { itemIds: ['item_r1'] })).items.size).toBe(0);
    const { store: off } = await store({ turns: { maxEntries: 0 }, thinking: { maxEntries: 0 } });
    await off.write(A, turn('r1'), { ...thought('x'), callIds: ['c'] });
    expect(await off.turn(A, 'r1')).toBeUndefined();
    expect((await off.read(A, { callIds: ['c'] })).thinking.size).toBe(0);
  });

  it('holds at most maxEntries thinking entries, least recently used out first, and none larger than maxBytes', async () => {
    const { store: s } = await store({ thinking: { maxEntries: 2, maxBytes: 20 } });
    await s.write(A, null, { ...thought('1'), callIds: ['a'] });
    await s.write(A, null, { ...thought('2'), callIds: ['b'] });
    await s.read(A, { callIds: ['a'] });
    await s.write(A, null, { ...thought('3'), callIds: ['c'] });
    const read = await s.read(A, { callIds: ['a', 'b', 'c'] });
    expect([...read.thinking.keys()].sort()).toEqual(['a', 'c']);
    await s.write(A, null, { ...thought('z'.repeat(30)), callIds: ['huge'] });
    expect((await s.read(A, { callIds: ['huge', 'c'] })).thinking.has('huge')).toBe(false);
    await s.write(A, null, { ...thought('y'.repeat(15)), callIds: ['d'] });
    await s.write(A, null, { ...thought('x'.repeat(15)), callIds: ['e'] });
    const bytes = await s.read(A, { callIds: ['d', 'e'] });
    expect([...bytes.thinking.keys()]).toEqual(['e']);
  });

  it('forgets thinking TTL after it was kept', async () => {
    const { store: s, pass } = await store();
    await s.write(A, null, { ...thought('t'), callIds: ['a'] });
    await pass(ttlMs * 0.5);
    expect((await s.read(A, { callIds: ['a'] })).thinking.size).toBe(1);
    await pass(ttlMs * 0.75);
    expect((await s.read(A, { callIds: ['a'] })).thinking.size).toBe(0);
  });
}
