import { jest } from '@jest/globals';
import { MemoryStore } from '../store/memory-store.js';
import { jsonBytes, ResponseStore, StoreMiss } from './response-store.js';
import { responseSkeleton } from '../translation/responses/response.skeleton.js';
import type { InputItem, ResponseObject } from '../translation/responses/responses.types.js';

function response(id: string, text = 'answer'): ResponseObject {
  const r = responseSkeleton({ model: 'm' }, id, 0);
  r.status = 'completed';
  r.output = [{ type: 'message', id: `msg_${id}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] }];
  return r;
}
const ask = (text: string): InputItem[] => [{ role: 'user', content: text }];
const T = 'tenant';
const needs = (previousId: string | null, itemIds: string[] = []) => ({ previousId, itemIds, callIds: [] });

/** The Responses view of the store; the store's own bounds are its contract's (test/support/store-contract.ts). */
describe('ResponseStore', () => {
  const make = () => {
    const memory = new MemoryStore({
      turns: { maxEntries: 10, maxBytes: 1_000_000, ttlMs: 1000 },
      thinking: { maxEntries: 10, maxBytes: 1000, ttlMs: 1000 },
    });
    return { memory, store: new ResponseStore(memory) };
  };

  it('rebuilds a conversation from linked turns, inputs then outputs, and finds stored items', async () => {
    const { store } = make();
    await store.save(T, { response: response('r1', 'one'), input: ask('q1'), previousId: null }, null);
    await store.save(T, { response: response('r2', 'two'), input: ask('q2'), previousId: 'r1' }, null);
    const read = await store.conversation(T, needs('r2', ['msg_r1']));
    expect(read.history).toEqual([...ask('q1'), response('r1', 'one').output[0], ...ask('q2'), response('r2', 'two').output[0]]);
    expect(read.items.get('msg_r1')).toEqual(response('r1', 'one').output[0]);
    await expect(store.conversation(T, needs('gone'))).rejects.toThrow(StoreMiss);
  });

  it("counts the request's bytes and the output when the request's length is known, the whole entry otherwise", async () => {
    const { memory, store } = make();
    const r = response('r1', 'x'.repeat(500));
    await store.save(T, { response: r, input: ask('a'), previousId: null, requestBytes: 1234 }, null);
    expect(memory.usage.turnBytes).toBe(1234 + jsonBytes(r.output));
    expect(memory.usage.turnBytes).toBeGreaterThan(1234 + 500);
    const other = make();
    await other.store.save(T, { response: response('r1', 'x'.repeat(500)), input: ask('a'), previousId: null }, null);
    expect(other.memory.usage.turnBytes).toBe(jsonBytes(response('r1', 'x'.repeat(500))) + jsonBytes(ask('a')));
  });

  it('measures about what JSON.stringify would, never less for text without escapes', () => {
    const entry = [response('r1', 'Grüße, 世界 🧠 '.repeat(20)), [...ask('q'), { type: 'function_call_output', call_id: 'c', output: '42' }]];
    const json = Buffer.byteLength(JSON.stringify(entry));
    expect(jsonBytes(entry)).toBeGreaterThanOrEqual(json);
    expect(jsonBytes(entry)).toBeLessThan(json * 1.5);
    expect(jsonBytes({ a: undefined, b: [null, true, 1.5], c: {} })).toBeGreaterThanOrEqual(JSON.stringify({ b: [null, true, 1.5], c: {} }).length);
  });

  it('reads nothing for a request that needs nothing', async () => {
    const { memory, store } = make();
    const read = jest.spyOn(memory, 'read');
    await store.conversation(T, needs(null));
    expect(read).not.toHaveBeenCalled();
  });
});
