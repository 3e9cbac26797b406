import { request as httpRequest, type IncomingMessage } from 'node:http';
import { type SseStep, streamSteps } from './support/anthropic-stand-in.js';
import { postRaw, useGateway } from './support/lifecycle.js';

const ctx = useGateway({ UPSTREAM_TIMEOUT_MS: '1000', STREAM_WRITE_TIMEOUT_MS: '3000', MAX_ASSEMBLED_BYTES: '1048576' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A text answer of `pieces` deltas of `size` bytes each (sharing one step
 * object, so the test holds little), with `gapMs` between them when upstream
 * should still be talking after the first seconds.
 */
function bigAnswer(pieces: number, size: number, gapMs = 0): SseStep[] {
  const steps = streamSteps({ text: 'x' }, { fragment: 1 });
  const delta = steps.findIndex((s) => 'event' in s && s.event === 'content_block_delta');
  const big: SseStep = { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'y'.repeat(size) } } };
  const body = new Array<SseStep[]>(pieces).fill(gapMs ? [big, { wait: gapMs }] : [big]).flat();
  return [...steps.slice(0, delta), ...body, ...steps.slice(delta + 1)];
}

const CHAT_STREAM = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true });
const MESSAGES_STREAM = JSON.stringify({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }], stream: true });

/** Opens a stream (a chat completion unless told otherwise) and hands back the paused response; reading is up to the test. */
function openPaused(path = '/v1/chat/completions', body = CHAT_STREAM, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  const { port } = new URL(ctx.gw.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: 'POST', path, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        res.pause();
        resolve(res);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const readAll = (res: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const parts: string[] = [];
    res.setEncoding('utf8');
    res.on('data', (d: string) => parts.push(d));
    res.on('end', () => resolve(parts.join('')));
    res.on('error', reject);
    res.resume();
  });

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(25)) if (condition()) return true;
  return condition();
}

const openMessages = () => openPaused('/v1/messages?beta=true', MESSAGES_STREAM, { 'anthropic-version': '2023-06-01' });
const DROPPED = 'stream dropped: the client read nothing for 3000 ms (STREAM_WRITE_TIMEOUT_MS); upstream call stopped';
const droppedLines = () => ctx.gw.logs.lines.filter((line) => line.includes(DROPPED)).length;

describe('a streaming client that does not read', () => {
  it.each([
    ['a chat completion', () => openPaused()],
    ['the Anthropic door', openMessages],
  ])('on %s is dropped after STREAM_WRITE_TIMEOUT_MS, and the upstream call is stopped with it', async (_door, open) => {
    const dropped = droppedLines();
    // 100 MB over 20 s or more: upstream keeps talking long after the socket buffers between the ends are full.
    ctx.standIn.reply({ kind: 'sse', steps: bigAnswer(1000, 100_000, 20) });
    const res = await open();
    expect(await until(() => ctx.standIn.requests.length === 1 && ctx.standIn.last.closedAt !== undefined, 20_000)).toBe(true);
    expect(ctx.standIn.last.closedEarly).toBe(true);
    expect(await until(() => droppedLines() === dropped + 1, 5_000)).toBe(true);
    expect(ctx.gw.logs.text).not.toContain('stopped sending');
    // Recorded as a client that went away (the reset still lets the response report `finish`).
    expect(await until(() => ctx.gw.logs.lines.some((line) => line.includes('"status":499') && line.includes('"client_disconnected":true')), 5_000)).toBe(true);
    // The connection was reset: reading now fails rather than finishing the answer.
    await expect(readAll(res)).rejects.toThrow(/aborted|ECONNRESET/);
  }, 30_000);

  it('a pause longer than UPSTREAM_TIMEOUT_MS is the client\'s, not upstream silence: no 504, the answer completes', async () => {
    ctx.standIn.reply({ kind: 'sse', steps: bigAnswer(120, 100_000) });
    const res = await openPaused();
    // Upstream answers at once; only the client is slow, for twice UPSTREAM_TIMEOUT_MS.
    await sleep(2000);
    const text = await readAll(res);
    expect(text).not.toContain('upstream_timeout');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  }, 30_000);
});

describe('the Anthropic door, as the OpenAI doors', () => {
  it('ends a stream whose upstream falls silent for UPSTREAM_TIMEOUT_MS with an Anthropic timeout_error event, and stops the upstream call', async () => {
    const steps = streamSteps({ text: 'Half an answer' });
    ctx.standIn.reply({ kind: 'sse', steps: [...steps.slice(0, 4), { wait: 5000 }, ...steps.slice(4)] });
    const res = await openMessages();
    const text = await readAll(res);
    expect(text).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"timeout_error","message":"The upstream Anthropic API stopped sending/);
    expect(text).not.toContain('message_stop');
    expect(await until(() => ctx.standIn.last.closedAt !== undefined, 5_000)).toBe(true);
    expect(ctx.standIn.last.closedEarly).toBe(true);
  }, 30_000);
});

describe('a non-streaming answer', () => {
  it('past MAX_ASSEMBLED_BYTES is a 502 that says to stream, and the upstream call is stopped', async () => {
    // 4 MB over 2 s or more: upstream is still talking when the cap is reached.
    ctx.standIn.reply({ kind: 'sse', steps: bigAnswer(400, 10_000, 5) });
    const res = await postRaw(ctx.gw.url, JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] }));
    expect(res.status).toBe(502);
    expect(res.json.error).toMatchObject({ type: 'api_error', code: 'answer_too_large', param: null });
    expect(res.json.error.message).toMatch(/1048576 bytes \(MAX_ASSEMBLED_BYTES\).*stream: true/);
    expect(await until(() => ctx.standIn.last.closedAt !== undefined, 5_000)).toBe(true);
    expect(ctx.standIn.last.closedEarly).toBe(true);
  }, 30_000);

  it('past MAX_ASSEMBLED_BYTES on /v1/responses is the same 502, and the upstream call is stopped', async () => {
    ctx.standIn.reply({ kind: 'sse', steps: bigAnswer(400, 10_000, 5) });
    const res = await fetch(`${ctx.gw.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', input: 'x' }),
    });
    const json = (await res.json()) as any;
    expect(res.status).toBe(502);
    expect(json.error).toMatchObject({ type: 'api_error', code: 'answer_too_large', param: null });
    expect(await until(() => ctx.standIn.last.closedAt !== undefined, 5_000)).toBe(true);
    expect(ctx.standIn.last.closedEarly).toBe(true);
  }, 30_000);

  it('under the cap is answered whole', async () => {
    ctx.standIn.reply({ kind: 'sse', steps: bigAnswer(50, 10_000) });
    const res = await postRaw(ctx.gw.url, JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] }));
    expect(res.status).toBe(200);
    expect(res.json.choices[0].message.content).toHaveLength(500_000);
  }, 30_000);
});

describe('a streamed /v1/responses answer', () => {
  it('past MAX_ASSEMBLED_BYTES ends with response.failed answer_too_large; upstream stopped, nothing stored', async () => {
    // The Responses stream holds the answer for its closing events: without the cap, all 4 MB would be held.
    ctx.standIn.reply({ kind: 'sse', steps: bigAnswer(400, 10_000, 5) });
    const res = await postRaw(ctx.gw.url, JSON.stringify({ model: 'm', input: 'x', stream: true }), undefined, '/v1/responses');
    expect(res.status).toBe(200);
    const events = res.text
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)));
    const deltas = events.filter((e) => e.type === 'response.output_text.delta');
    const sent = deltas.reduce((sum, e) => sum + e.delta.length, 0);
    expect(sent).toBeLessThanOrEqual(1_048_576);
    expect(sent).toBeGreaterThan(1_000_000);
    expect(events.slice(-2).map((e) => e.type)).toEqual(['error', 'response.failed']);
    expect(events.at(-2).error).toMatchObject({ type: 'api_error', code: 'answer_too_large', param: null });
    expect(events.at(-2).error.message).toMatch(/1048576 bytes \(MAX_ASSEMBLED_BYTES\).*max_output_tokens/);
    expect(events.at(-1).response).toMatchObject({ status: 'failed', error: { code: 'answer_too_large' } });
    expect(events.some((e) => e.type === 'response.completed')).toBe(false);
    expect(await until(() => ctx.standIn.last.closedAt !== undefined, 5_000)).toBe(true);
    expect(ctx.standIn.last.closedEarly).toBe(true);
    const stored = await fetch(`${ctx.gw.url}/v1/responses/${events.at(-1).response.id}`);
    expect(stored.status).toBe(404);
  }, 30_000);
});
