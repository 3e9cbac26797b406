import { request as httpRequest, type IncomingMessage } from 'node:http';
import { METRIC } from '../src/observability/metrics/gateway-metrics.js';
import { AnthropicStandIn, message } from './support/anthropic-stand-in.js';
import { startGateway, type Gateway } from './support/gateway.js';
import { useGateway } from './support/lifecycle.js';
import { Scrape } from './support/metrics.js';
import { rawExchange } from './support/raw-http.js';

/**
 * Every connection is bounded in time: a request must arrive within
 * REQUEST_HEADERS_TIMEOUT_MS / REQUEST_TIMEOUT_MS, an answer must be read
 * within STREAM_WRITE_TIMEOUT_MS (JSON answers too), and a request answered
 * before its body has arrived closes its connection.
 */
const KEY = 'client-key-0123456789abcdef';
const ctx = useGateway({ PROXY_API_KEYS: KEY, STREAM_WRITE_TIMEOUT_MS: '1000', MAX_ASSEMBLED_BYTES: String(32 * 2 ** 20), BODY_LIMIT: '1mb' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(condition: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) if (await condition()) return true;
  return condition();
}

/** A request head for a body of `length` bytes, of which the test sends only a part. */
const head = (path: string, length: number, headers: Record<string, string> = {}) =>
  [`POST ${path} HTTP/1.1`, 'Host: gateway', `Content-Length: ${length}`, ...Object.entries({ 'Content-Type': 'application/json', ...headers }).map(([k, v]) => `${k}: ${v}`), '', '{"model":"m"'].join('\r\n');

function expectOpenAIError(body: string, code: string) {
  const json = JSON.parse(body);
  expect(Object.keys(json)).toEqual(['error']);
  expect(json.error).toMatchObject({ code, param: null, type: expect.any(String), message: expect.any(String) });
}

describe('a request answered before its body has arrived closes its connection', () => {
  // The body keeps coming, a byte every 100 ms: without the close, the connection would stay open to read it all.
  it.each([
    ['401 without a client key', head('/v1/chat/completions', 100_000), 401, 'invalid_api_key'],
    ['413 above BODY_LIMIT', head('/v1/chat/completions', 5 * 2 ** 20, { Authorization: `Bearer ${KEY}` }), 413, 'request_too_large'],
    ['415 for a body that is not JSON', head('/v1/responses', 100_000, { Authorization: `Bearer ${KEY}`, 'Content-Type': 'text/plain' }), 415, 'unsupported_media_type'],
  ])('%s', async (_name, bytes, status, code) => {
    const started = Date.now();
    const answer = await rawExchange(ctx.gw.url, bytes, { trickleMs: 100, waitMs: 15_000 });
    expect(answer.status).toBe(status);
    expect(answer.headers.connection).toBe('close');
    expectOpenAIError(answer.body, code);
    expect(answer.closed).toBe(true);
    // Well before REQUEST_TIMEOUT_MS (60 s here), which would otherwise end it.
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);

  it('a request whose body was read keeps its keep-alive connection, even when refused', async () => {
    const body = '{"model":"m"}';
    const answer = await rawExchange(ctx.gw.url, head('/v1/chat/completions', body.length, { Authorization: `Bearer ${KEY}` }).replace('{"model":"m"', body), { waitMs: 1500 });
    expect(answer.status).toBe(400);
    expect(answer.headers.connection).toBe('keep-alive');
    expect(answer.closed).toBe(false);
  });
});

describe('a JSON answer the client does not read', () => {
  it('is dropped after STREAM_WRITE_TIMEOUT_MS: the connection is reset, logged and counted as a disconnected client', async () => {
    // 9 MB of answer: more than the socket buffers between the two ends hold.
    ctx.standIn.reply({ kind: 'json', body: message({ text: 'y'.repeat(9 * 2 ** 20) }) });
    const before = await Scrape.from(ctx.gw.url);
    const { port } = new URL(ctx.gw.url);
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` } },
        (answer) => {
          // Not read: the answer stays queued in the gateway until it gives up.
          answer.pause();
          resolve(answer);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 100 }));
    });
    expect(await until(() => ctx.gw.logs.text.includes('answer dropped: the client read nothing for 1000 ms (STREAM_WRITE_TIMEOUT_MS)'), 20_000)).toBe(true);
    // Reading now meets the reset: the answer does not come to its end.
    const outcome = await new Promise<string>((resolve) => {
      let received = 0;
      res.on('data', (chunk: Buffer) => (received += chunk.length));
      res.on('end', () => resolve(`read to the end (${received} bytes)`));
      res.on('error', () => resolve('reset'));
      res.on('aborted', () => resolve('reset'));
      res.resume();
    });
    expect(outcome).toBe('reset');
    expect(
      await until(async () => Scrape.delta(before, await Scrape.from(ctx.gw.url), METRIC.clientDisconnects, { route: '/v1/chat/completions' }) === 1, 5_000),
    ).toBe(true);
  }, 40_000);
});

describe('request timeouts', () => {
  const timed = {} as { standIn: AnthropicStandIn; gw: Gateway };
  beforeAll(async () => {
    timed.standIn = await AnthropicStandIn.start();
    timed.gw = await startGateway(timed.standIn, { REQUEST_HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '2000' });
  });
  afterAll(async () => {
    await timed.gw?.close();
    await timed.standIn?.close();
  });

  it('a body trickled in a byte at a time is cut off at REQUEST_TIMEOUT_MS with a 408 in the error contract', async () => {
    const started = Date.now();
    const answer = await rawExchange(timed.gw.url, head('/v1/chat/completions', 10_000), { trickleMs: 200, waitMs: 20_000 });
    expect(answer.status).toBe(408);
    expectOpenAIError(answer.body, 'request_timeout');
    expect(answer.closed).toBe(true);
    // 2 s, checked every second; generous for a busy machine, far from Node's 330 s.
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(timed.standIn.requests).toHaveLength(0);
  }, 30_000);

  it('headers never finished are cut off at REQUEST_HEADERS_TIMEOUT_MS with a 408', async () => {
    const answer = await rawExchange(timed.gw.url, 'POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nX-Slow: ', { trickleMs: 200, waitMs: 20_000 });
    expect(answer.status).toBe(408);
    expectOpenAIError(answer.body, 'request_timeout');
    expect(answer.closed).toBe(true);
  }, 30_000);

});
