import { jsonBytes, ResponseStore, StoreMiss } from './response-store.js';
import { responseSkeleton } from './translation/response.skeleton.js';
import type { InputItem, ResponseObject } from './translation/responses.types.js';

function response(id: string, text = 'answer'): ResponseObject {
  const r = responseSkeleton({ model: 'm' }, id, 0);
  r.status = 'completed';
  r.output = [{ type: 'message', id: `msg_${id}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] }];
  return r;
}
const ask = (text: string): InputItem[] => [{ role: 'user', content: text }];

describe('ResponseStore', () => {
  let clock = 0;
  const store = (limits: Partial<{ maxEntries: number; maxBytes: number; ttlMs: number }> = {}) =>
    new ResponseStore({ maxEntries: 10, maxBytes: 1_000_000, ttlMs: 1000, ...limits }, () => clock);
  beforeEach(() => (clock = 0));

  it('rebuilds a conversation from linked turns, inputs then outputs', () => {
    const s = store();
    s.put(response('r1', 'one'), ask('q1'), null);
    s.put(response('r2', 'two'), ask('q2'), 'r1');
    expect(s.history('r2')).toEqual([...ask('q1'), response('r1', 'one').output[0], ...ask('q2'), response('r2', 'two').output[0]]);
    expect(s.item('msg_r1')).toEqual(response('r1', 'one').output[0]);
  });

  it('evicts the least recently used entry beyond maxEntries, and a conversation reading keeps its turns', () => {
    const s = store({ maxEntries: 2 });
    s.put(response('r1'), ask('a'), null);
    s.put(response('r2'), ask('b'), null);
    s.get('r1');
    s.put(response('r3'), ask('c'), null);
    expect(s.get('r2')).toBeUndefined();
    expect(s.get('r1')).toBeDefined();
    expect(s.item('msg_r2')).toBeUndefined();
  });

  it('keeps the bytes under maxBytes and skips an answer larger than the whole store', () => {
    // An entry's size as the store counts it (about its JSON length, never less: see the test below).
    const one = jsonBytes(response('r1')) + jsonBytes(ask('a'));
    const s = store({ maxBytes: one * 2 + 10 });
    for (const id of ['r1', 'r2', 'r3']) s.put(response(id), ask('a'), null);
    expect(s.size).toBe(2);
    expect(s.totalBytes).toBeLessThanOrEqual(one * 2 + 10);
    s.put(response('big', 'x'.repeat(one * 3)), ask('a'), null);
    expect(s.get('big')).toBeUndefined();
  });

  it('counts the request\'s bytes and the output when the request\'s length is known, the whole entry otherwise', () => {
    const s = store();
    const r = response('r1', 'x'.repeat(500));
    s.put(r, ask('a'), null, 1234);
    expect(s.totalBytes).toBe(1234 + jsonBytes(r.output));
    expect(s.totalBytes).toBeGreaterThan(1234 + 500);
    const t = store();
    t.put(response('r1', 'x'.repeat(500)), ask('a'), null);
    expect(t.totalBytes).toBe(jsonBytes(response('r1', 'x'.repeat(500))) + jsonBytes(ask('a')));
  });

  it('measures about what JSON.stringify would, never less for text without escapes', () => {
    const entry = [response('r1', 'Grüße, 世界 🧠 '.repeat(20)), [...ask('q'), { type: 'function_call_output', call_id: 'c', output: '42' }]];
    const json = Buffer.byteLength(JSON.stringify(entry));
    expect(jsonBytes(entry)).toBeGreaterThanOrEqual(json);
    expect(jsonBytes(entry)).toBeLessThan(json * 1.5);
    expect(jsonBytes({ a: undefined, b: [null, true, 1.5], c: {} })).toBeGreaterThanOrEqual(JSON.stringify({ b: [null, true, 1.5], c: {} }).length);
  });

  it('forgets an entry TTL after its last use and then misses the whole conversation', () => {
    const s = store({ ttlMs: 1000 });
    s.put(response('r1'), ask('a'), null);
    s.put(response('r2'), ask('b'), 'r1');
    clock = 900;
    expect(s.get('r2')).toBeDefined();
    clock = 1500;
    // r1 was last used at 0: gone, so r2's history is incomplete.
    expect(() => s.history('r2')).toThrow(StoreMiss);
  });

  it('deletes, and stores nothing at maxEntries 0', () => {
    const s = store();
    s.put(response('r1'), ask('a'), null);
    expect(s.delete('r1')).toBe(true);
    expect(s.delete('r1')).toBe(false);
    expect(s.totalBytes).toBe(0);
    const off = store({ maxEntries: 0 });
    off.put(response('r1'), ask('a'), null);
    expect(off.size).toBe(0);
  });
});
