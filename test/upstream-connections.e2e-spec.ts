import { request as httpRequest } from 'node:http';
import { type SseStep, streamSteps } from './support/anthropic-stand-in.js';
import { postRaw, useGateway } from './support/lifecycle.js';

/**
 * The upstream pool, seen from the stand-in's side: every connection the
 * gateway opens serves a request. A client hanging up on a stream ends that
 * stream's upstream connection and opens no other.
 */
const ctx = useGateway();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HANG_UPS = 20;

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(25)) if (condition()) return true;
  return condition();
}

/** An answer that keeps talking (a delta every 50 ms, for a minute) until the gateway hangs up. */
function endless(): SseStep[] {
  const steps = streamSteps({ text: 'x' }, { fragment: 1 });
  const delta = steps.findIndex((s) => 'event' in s && s.event === 'content_block_delta');
  const piece: SseStep[] = [{ event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'y' } } }, { wait: 50 }];
  return [...steps.slice(0, delta), ...new Array<SseStep[]>(1200).fill(piece).flat(), ...steps.slice(delta + 1)];
}

/** Opens a stream and resolves with its hang-up once the first bytes have come. */
function openStream(path: string, body: string): Promise<() => void> {
  const { port } = new URL(ctx.gw.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path, headers: { 'content-type': 'application/json' } }, (res) => {
      res.once('data', () => resolve(() => req.destroy()));
    });
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.end(body);
  });
}

describe('upstream connections when clients hang up on streams', () => {
  it.each([
    ['/v1/chat/completions', JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true })],
    ['/v1/responses', JSON.stringify({ model: 'm', input: 'x', stream: true })],
  ])('%s: each hang-up closes its upstream connection and opens none', async (path, body) => {
    ctx.standIn.setDefault(() => ({ kind: 'sse', steps: endless() }));
    // One stream stays open throughout, as others do on a busy gateway: undici's pool for the origin is never empty.
    const holder = await openStream(path, body);
    const before = { ...ctx.standIn.connections };
    const first = ctx.standIn.requests.length;
    const hangUps = await Promise.all(Array.from({ length: HANG_UPS }, () => openStream(path, body)));
    for (const hangUp of hangUps) hangUp();
    const streams = () => ctx.standIn.requests.slice(first);
    expect(await until(() => streams().length === HANG_UPS && streams().every((r) => r.closedAt !== undefined), 20_000)).toBe(true);
    expect(streams().every((r) => r.closedEarly)).toBe(true);
    // What a reconnect would need: a moment for undici to connect and the stand-in to see it.
    await sleep(500);
    // One connection per stream, and none left open but the holder's.
    expect(ctx.standIn.connections.accepted - before.accepted).toBeLessThanOrEqual(HANG_UPS);
    expect(ctx.standIn.connections.open).toBe(before.open);
    holder();
    // The pool still works: the next request is answered.
    ctx.standIn.setDefault(() => ({ kind: 'json', body: { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } }));
    const after = await postRaw(ctx.gw.url, JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 10 }));
    expect(after.status).toBe(200);
  }, 60_000);
});
