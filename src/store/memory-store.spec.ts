import { limitsFor, storeContract } from '../../test/support/store-contract.js';
import { MemoryStore } from './memory-store.js';

describe('MemoryStore (lru-cache)', () => {
  storeContract(async (limits) => {
    let clock = 1_000;
    return {
      store: new MemoryStore(limits, () => clock),
      pass: async (ms) => {
        clock += ms;
      },
    };
  }, 1000);

  it('keeps its item index in step with the turns that leave, and counts bytes as given', async () => {
    const store = new MemoryStore(limitsFor(1000, { turns: { maxEntries: 2 } }));
    for (const id of ['r1', 'r2', 'r3']) await store.write('t', { id, previousId: null, itemIds: [`i_${id}`, `j_${id}`], bytes: 10, value: id }, null);
    await store.deleteTurn('t', 'r3');
    expect(store.usage).toMatchObject({ turns: 1, turnBytes: 10, items: 2 });
  });
});
