import { jest } from '@jest/globals';
import OpenAI from 'openai';
import { METRIC } from '../../src/observability/metrics/gateway-metrics.js';
import { errorReply, sseReply, streamSteps } from '../support/anthropic-stand-in.js';
import { TEST_API_KEY } from '../support/gateway.js';
import { useGateway } from '../support/lifecycle.js';
import { Scrape } from '../support/metrics.js';

jest.setTimeout(60_000);

const ctx = useGateway();
const MODEL = 'claude-sonnet-5-5';
const ROUTE = '/v1/chat/completions';
const USAGE = { input_tokens: 11, output_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 20 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Scrapes until `ready` holds: the request is recorded when its response closes, a moment after the client has its answer. */
async function scrapeUntil(ready: (scrape: Scrape) => boolean): Promise<Scrape> {
  for (let i = 0; ; i++) {
    const scrape = await Scrape.from(ctx.gw.url);
    // Up to 15 s: a loaded CI machine can take seconds to close a response.
    if (ready(scrape) || i === 600) return scrape;
    await sleep(25);
  }
}

const requests = (labels: Record<string, string>) => (s: Scrape) => s.value(METRIC.requests, { route: ROUTE, ...labels });

describe('GET /metrics after real traffic', () => {
  it('counts a non-streaming and a streaming answer with their tokens, first-token times and durations', async () => {
    const before = await Scrape.from(ctx.gw.url);
    ctx.standIn.reply(sseReply({ text: 'Hello there', usage: USAGE }), sseReply({ text: 'Streamed hello', usage: USAGE }));

    await ctx.gw.openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
    const stream = await ctx.gw.openai.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const _ of stream);

    const ok = { model: MODEL, status: '200' };
    const after = await scrapeUntil((s) => requests({ ...ok, stream: 'true' })(s) > requests({ ...ok, stream: 'true' })(before));
    const delta = (name: string, labels: Record<string, string>, of: 'value' | 'count' = 'value') => Scrape.delta(before, after, name, labels, of);
    expect(delta(METRIC.requests, { route: ROUTE, ...ok, stream: 'false' })).toBe(1);
    expect(delta(METRIC.requests, { route: ROUTE, ...ok, stream: 'true' })).toBe(1);
    expect(delta(METRIC.tokens, { model: MODEL, type: 'input' })).toBe(22);
    expect(delta(METRIC.tokens, { model: MODEL, type: 'output' })).toBe(10);
    expect(delta(METRIC.tokens, { model: MODEL, type: 'cache_read' })).toBe(200);
    expect(delta(METRIC.tokens, { model: MODEL, type: 'cache_write' })).toBe(40);
    expect(delta(METRIC.timeToFirstToken, { model: MODEL }, 'count')).toBe(2);
    expect(delta(METRIC.requestDuration, { route: ROUTE, model: MODEL }, 'count')).toBe(2);
    expect(delta(METRIC.upstreamDuration, { model: MODEL, outcome: 'ok' }, 'count')).toBe(2);
    expect(after.value(METRIC.openStreams)).toBe(0);
  });

  it('counts a 429 and a 529 by their upstream error type and by the status the client got', async () => {
    const before = await Scrape.from(ctx.gw.url);
    ctx.standIn.reply(
      errorReply(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', { 'retry-after': '3' }),
      errorReply(529, 'overloaded_error', 'Overloaded'),
    );
    const ask = () => ctx.gw.openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
    await expect(ask()).rejects.toMatchObject({ status: 429 });
    await expect(ask()).rejects.toMatchObject({ status: 503 });

    const after = await scrapeUntil((s) => requests({ status: '503' })(s) > requests({ status: '503' })(before));
    expect(Scrape.delta(before, after, METRIC.requests, { route: ROUTE, model: MODEL, status: '429', stream: 'false' })).toBe(1);
    expect(Scrape.delta(before, after, METRIC.requests, { route: ROUTE, model: MODEL, status: '503', stream: 'false' })).toBe(1);
    expect(Scrape.delta(before, after, METRIC.upstreamErrors, { type: 'rate_limited' })).toBe(1);
    expect(Scrape.delta(before, after, METRIC.upstreamErrors, { type: 'overloaded' })).toBe(1);
    expect(Scrape.delta(before, after, METRIC.upstreamDuration, { model: MODEL, outcome: 'error' }, 'count')).toBe(2);
  });

  it('counts a client that leaves mid-stream as a disconnect (499) and still counts the tokens upstream reported', async () => {
    const before = await Scrape.from(ctx.gw.url);
    ctx.standIn.reply(sseReply({ text: 'x'.repeat(300), usage: USAGE }, { fragment: 1, gapMs: 15 }));
    const stream = await ctx.gw.openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], stream: true });
    let chunks = 0;
    let openDuringStream = -1;
    try {
      for await (const _ of stream) {
        if (++chunks === 3) openDuringStream = (await Scrape.from(ctx.gw.url)).value(METRIC.openStreams);
        if (chunks === 5) stream.controller.abort();
      }
    } catch {
      // The abort ends the iteration with an error on the client side: expected.
    }
    expect(openDuringStream).toBe(1);

    const after = await scrapeUntil((s) => s.value(METRIC.clientDisconnects) > before.value(METRIC.clientDisconnects));
    expect(Scrape.delta(before, after, METRIC.clientDisconnects, { route: ROUTE })).toBe(1);
    expect(Scrape.delta(before, after, METRIC.requests, { route: ROUTE, model: MODEL, status: '499', stream: 'true' })).toBe(1);
    expect(Scrape.delta(before, after, METRIC.upstreamDuration, { model: MODEL, outcome: 'aborted' }, 'count')).toBe(1);
    // message_start said how many input tokens the prompt cost; those are spent even though the answer was not.
    expect(Scrape.delta(before, after, METRIC.tokens, { model: MODEL, type: 'input' })).toBe(11);
    expect(Scrape.delta(before, after, METRIC.upstreamErrors, {})).toBe(0);
    expect(after.value(METRIC.openStreams)).toBe(0);
  });

  it('counts a stream that upstream breaks off as a broken stream', async () => {
    const before = await Scrape.from(ctx.gw.url);
    const steps = streamSteps({ text: 'x'.repeat(40), usage: USAGE });
    ctx.standIn.reply({ kind: 'sse', steps: [...steps.slice(0, 6), { destroy: true }] });
    const stream = await ctx.gw.openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], stream: true });
    await expect((async () => {
      for await (const _ of stream);
    })()).rejects.toThrow();

    const after = await scrapeUntil((s) => s.value(METRIC.upstreamErrors, { type: 'broken_stream' }) > before.value(METRIC.upstreamErrors, { type: 'broken_stream' }));
    expect(Scrape.delta(before, after, METRIC.upstreamErrors, { type: 'broken_stream' })).toBe(1);
    // The status line had gone out as 200; the failure travelled in-band.
    expect(Scrape.delta(before, after, METRIC.requests, { route: ROUTE, model: MODEL, status: '200', stream: 'true' })).toBe(1);
    expect(Scrape.delta(before, after, METRIC.upstreamDuration, { model: MODEL, outcome: 'error' }, 'count')).toBe(1);
    expect(after.value(METRIC.openStreams)).toBe(0);
  });

  it('keeps label values bounded: invented models are `other`, unknown paths are route `other`', async () => {
    const before = await Scrape.from(ctx.gw.url);
    const invented = `my-model-${Date.now()}`;
    ctx.standIn.reply(sseReply({ text: 'a' }), sseReply({ text: 'b' }));
    await ctx.gw.openai.chat.completions.create({ model: invented, messages: [{ role: 'user', content: 'hi' }] });
    await ctx.gw.openai.chat.completions.create({ model: 'claude-opus-5-5-20260922', messages: [{ role: 'user', content: 'hi' }] });
    await fetch(`${ctx.gw.url}/v1/no/such/path/${Date.now()}`);

    const after = await scrapeUntil((s) => s.value(METRIC.requests, { route: 'other' }) > before.value(METRIC.requests, { route: 'other' }));
    expect(after.text).not.toContain(invented);
    expect(Scrape.delta(before, after, METRIC.requests, { route: ROUTE, model: 'other' })).toBe(1);
    expect(Scrape.delta(before, after, METRIC.requests, { route: ROUTE, model: 'claude-opus-5-5' })).toBe(1);
    expect(Scrape.delta(before, after, METRIC.requests, { route: 'other', status: '404' })).toBe(1);
    expect(after.text).not.toContain('/v1/no/such/path');
  });

  it('never shows a secret: not the upstream key, not a key a client sends as model or as its own key', async () => {
    const clientKey = 'sk-ant-api03-client-sent-this-by-mistake-0123456789';
    const client = new OpenAI({ baseURL: `${ctx.gw.url}/v1`, apiKey: clientKey, maxRetries: 0 });
    ctx.standIn.reply(sseReply({ text: 'a' }));
    await client.chat.completions.create({ model: clientKey, messages: [{ role: 'user', content: 'hi' }] });
    const after = await scrapeUntil((s) => s.value(METRIC.requests, { model: 'other' }) > 0);
    expect(after.text).not.toContain(TEST_API_KEY);
    expect(after.text).not.toContain(clientKey);
    expect(after.text).not.toMatch(/sk-ant-/);
    expect(ctx.gw.logs.text).not.toContain(clientKey);
    expect(ctx.gw.logs.text).not.toContain(TEST_API_KEY);
  });

  it('is valid Prometheus text with the process metrics and every metric the docs list', async () => {
    const scrape = await Scrape.from(ctx.gw.url);
    const names = scrape.families.map((family) => family.name);
    expect(names).toEqual(expect.arrayContaining(['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds']));
    // Families with labels appear once something is recorded; these two are unlabelled and always there.
    expect(names).toEqual(expect.arrayContaining([METRIC.openStreams, METRIC.info]));
    expect(scrape.family(METRIC.requestDuration)?.type).toBe('HISTOGRAM');
    expect(scrape.family(METRIC.requests)?.type).toBe('COUNTER');
  });
});

describe('request ids and the request log line', () => {
  it('keeps a valid client x-request-id, returns it, and logs it with upstream request-id, tokens and status', async () => {
    ctx.standIn.reply(sseReply({ text: 'Hello', usage: USAGE }));
    const res = await fetch(`${ctx.gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'client-trace-42', authorization: `Bearer ${TEST_API_KEY}` },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('client-trace-42');
    const upstreamId = res.headers.get('x-upstream-request-id');
    expect(upstreamId).toMatch(/^req_/);
    await res.text();

    let line: Record<string, unknown> | undefined;
    for (let i = 0; i < 200 && !line; i++) {
      line = ctx.gw.logs.lines.map((text) => /^(\{.*\}) Http$/.exec(text)?.[1]).filter(Boolean).map((json) => JSON.parse(json!)).find((entry) => entry.request_id === 'client-trace-42');
      if (!line) await sleep(25);
    }
    expect(line).toMatchObject({
      msg: 'request completed',
      method: 'POST',
      route: ROUTE,
      status: 200,
      model: MODEL,
      stream: false,
      upstream_request_id: upstreamId,
      input_tokens: 11,
      output_tokens: 5,
      cache_read_tokens: 100,
      cache_write_tokens: 20,
      stop_reason: 'end_turn',
    });
    expect(typeof line?.duration_ms).toBe('number');
    expect(ctx.gw.logs.text).not.toContain(TEST_API_KEY);
  });

  it('replaces an unsafe x-request-id with one of its own', async () => {
    const res = await fetch(`${ctx.gw.url}/health/live`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
