/**
 * The contract between `createUndiciFetch` and the real Anthropic SDK: the
 * SDK, given this fetch, must behave as it does with the built-in one
 * (answers, streams, error classes with status and headers, retries,
 * timeouts, aborts). If an SDK upgrade starts reading something the
 * Response-like object does not have, this fails here, loudly.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AnthropicStandIn,
  errorReply,
  jsonReply,
  sseReply,
  streamSteps,
} from '../../../test/support/anthropic-stand-in.js';
import { closedPort } from '../../../test/support/raw-http.js';
import { type Piece, reliesOn } from '../../../test/support/library-internal.js';
import { type AnswerSink, answerSeen, createUndiciFetch, ResponseHeaders, type UndiciFetch } from './undici-fetch.js';

const KEY = 'sk-ant-api03-contract-0000000000';
const params = { model: 'claude-sonnet-5-5', max_tokens: 64, messages: [{ role: 'user' as const, content: 'hi' }] };

let standIn: AnthropicStandIn;
let transport: UndiciFetch;

const client = (options: Partial<ConstructorParameters<typeof Anthropic>[0]> = {}) =>
  new Anthropic({ apiKey: KEY, baseURL: standIn.url, fetch: transport.fetch, maxRetries: 0, timeout: 10_000, ...options });

beforeAll(async () => {
  standIn = await AnthropicStandIn.start();
  transport = createUndiciFetch();
});
beforeEach(() => standIn.reset());
afterAll(async () => {
  await transport.close();
  await standIn.close();
});

describe('undici fetch, as the Anthropic SDK sees it', () => {
  it('sends what the SDK builds: method, path, headers, JSON body', async () => {
    standIn.reply(jsonReply({ text: 'ok' }));
    await client().messages.create(params);
    expect(standIn.last).toMatchObject({ method: 'POST', path: '/v1/messages', body: params });
    expect(standIn.last.headers).toMatchObject({ authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'accept-encoding': 'identity' });
    expect(standIn.last.headers['anthropic-version']).toEqual(expect.any(String));
  });

  it('sends each call to its own URL, whichever was asked before (the last target is kept)', async () => {
    const paths: string[] = [];
    for (const url of [`${standIn.url}/v1/messages`, `${standIn.url}/v1/messages?beta=true`, `${standIn.url}/v1/messages`]) {
      standIn.reply(jsonReply({ text: 'ok' }));
      await client().post(url.slice(standIn.url.length), { body: params });
      paths.push(standIn.last.path);
    }
    expect(paths).toEqual(['/v1/messages', '/v1/messages?beta=true', '/v1/messages']);
  });

  it('answers JSON: the message, its request id and the raw headers', async () => {
    standIn.reply(jsonReply({ text: 'Hello there.' }, { 'x-extra': 'yes' }));
    const { data, response, request_id } = await client().messages.create(params).withResponse();
    expect(data.content).toEqual([expect.objectContaining({ type: 'text', text: 'Hello there.' })]);
    expect(request_id).toMatch(/^req_/);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-extra')).toBe('yes');
  });

  it("leaves a call's answer headers in its sink (answerSeen), as the gateway reads them without withResponse()", async () => {
    standIn.reply(jsonReply({ text: 'ok' }, { 'anthropic-ratelimit-requests-remaining': '41' }));
    const seen: AnswerSink = { headers: null };
    const message = await client().messages.create(params, { fetchOptions: answerSeen(seen) });
    const piece: Piece = { file: 'undici-fetch.ts', plain: "`withResponse()` on every call whose answer headers are read (upstream.port.ts's `message`)" };
    await reliesOn(piece, "the SDK hands a call's `fetchOptions`, a symbol key included, to fetch with the rest of its init", () =>
      seen.headers?.get('anthropic-ratelimit-requests-remaining') === '41',
    );
    expect(message._request_id).toBe(seen.headers?.get('request-id'));
  });

  it('streams SSE: every event, in order, parsed by the SDK', async () => {
    const spec = { text: 'streamed words', toolUses: [{ name: 'lookup', input: { q: 'x' } }] };
    standIn.reply(sseReply(spec, { fragment: 4 }));
    const { data: stream, request_id } = await client().messages.create({ ...params, stream: true }).withResponse();
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    // The SDK drops `ping`; everything else arrives as the stand-in sent it.
    const sent = streamSteps(spec, { fragment: 4 }).flatMap((s) => ('event' in s && s.event !== 'ping' ? [s.event] : []));
    expect(types).toEqual(sent);
    expect(request_id).toMatch(/^req_/);
  });

  it('raises the SDK error class for an error body, with status, body, request id and headers', async () => {
    standIn.reply(errorReply(429, 'rate_limit_error', 'slow down', { 'retry-after': '7' }));
    const error = (await client().messages.create(params).catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(error.status).toBe(429);
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } });
    expect(error.requestID).toMatch(/^req_/);
    expect(error.headers?.get('retry-after')).toBe('7');
  });

  it('lets the SDK retry a retryable status and then succeed', async () => {
    standIn.reply(errorReply(529, 'overloaded_error', 'busy', { 'retry-after-ms': '1' }), jsonReply({ text: 'second try' }));
    const message = await client({ maxRetries: 2 }).messages.create(params);
    expect(message.content[0]).toMatchObject({ text: 'second try' });
    expect(standIn.requests).toHaveLength(2);
  });

  it('raises an in-stream error event as the SDK does', async () => {
    standIn.reply({
      kind: 'sse',
      steps: [
        ...streamSteps({ text: 'partial' }).slice(0, 3),
        { event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } },
      ],
    });
    const stream = await client().messages.create({ ...params, stream: true });
    const failure = await (async () => {
      for await (const _ of stream) void _;
    })().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect((failure as Error).message).toContain('Overloaded');
  });

  it('stops a stream when the caller aborts mid-way, and upstream sees the hang-up', async () => {
    const steps = streamSteps({ text: 'a long answer that keeps coming' }, { fragment: 2, gapMs: 30 });
    standIn.reply({ kind: 'sse', steps });
    const abort = new AbortController();
    const stream = await client().messages.create({ ...params, stream: true }, { signal: abort.signal });
    const seen: string[] = [];
    const outcome = await (async () => {
      for await (const event of stream) {
        seen.push(event.type);
        if (event.type === 'content_block_delta') abort.abort();
      }
      return 'ended quietly';
    })().catch((e: unknown) => e);
    // The SDK ends an aborted stream without an error, or with its own abort error.
    if (outcome !== 'ended quietly') expect(outcome).toBeInstanceOf(Anthropic.APIUserAbortError);
    expect(seen.filter((t) => t === 'content_block_delta')).toHaveLength(1);
    await waitFor(() => standIn.last.closedEarly);
  }, 15_000);

  it('raises APIUserAbortError when the caller aborted before the answer', async () => {
    standIn.reply({ ...jsonReply(), delayMs: 600 } as never);
    const abort = new AbortController();
    const pending = client().messages.create(params, { signal: abort.signal });
    setTimeout(() => abort.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(Anthropic.APIUserAbortError);
  }, 15_000);

  it('turns the SDK timeout into APIConnectionTimeoutError', async () => {
    standIn.reply({ ...jsonReply(), delayMs: 600 } as never);
    await expect(client({ timeout: 100 }).messages.create(params)).rejects.toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
  }, 15_000);

  it('turns a refused connection into APIConnectionError', async () => {
    const port = await closedPort();
    const refused = new Anthropic({ apiKey: KEY, baseURL: `http://127.0.0.1:${port}`, fetch: transport.fetch, maxRetries: 0 });
    const error = await refused.messages.create(params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIConnectionError);
    expect(error).not.toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
  });

  it('leaves Node’s own fetch on its own dispatcher', async () => {
    // Jest runs each file in a sandbox with its own globals, so the side effect is checked in a plain Node process.
    const here = dirname(fileURLToPath(import.meta.url));
    const module = await readFile(join(here, 'node-dispatcher.ts'), 'utf8');
    const script = `
      await import('data:text/javascript,' + encodeURIComponent(${JSON.stringify(module)}));
      const { Agent } = await import('undici');
      process.stdout.write(String(globalThis[Symbol.for('undici.globalDispatcher.1')] instanceof Agent));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: here, encoding: 'utf8', timeout: 20_000 });
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe('false');
    // ...and undici-fetch.ts loads it before npm undici.
    const source = await readFile(join(here, 'undici-fetch.ts'), 'utf8');
    expect(source.indexOf("import './node-dispatcher.js'")).toBeGreaterThanOrEqual(0);
    expect(source.indexOf("import './node-dispatcher.js'")).toBeLessThan(source.indexOf("from 'undici'"));
  }, 30_000);
});

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ResponseHeaders', () => {
  // undici's shape: lowercase names, a list for a repeated header.
  const raw = { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'], 'retry-after': '7', 'request-id': 'req_1' };
  const whatwg = new Headers();
  for (const [name, value] of Object.entries(raw)) for (const v of [value].flat()) whatwg.append(name, v);
  const light = new ResponseHeaders(raw);

  it('reads as a WHATWG Headers built from the same answer does', () => {
    for (const name of ['Content-Type', 'retry-after', 'REQUEST-ID', 'x-missing']) {
      expect(light.get(name)).toBe(whatwg.get(name));
      expect(light.has(name)).toBe(whatwg.has(name));
    }
    expect(light.getSetCookie()).toEqual(whatwg.getSetCookie());
    // WHATWG joins a repeated header for get() and entries(), set-cookie aside: entries() lists each cookie.
    expect([...light.entries()].filter(([name]) => name !== 'set-cookie')).toEqual([...whatwg.entries()].filter(([name]) => name !== 'set-cookie'));
    expect([...light.keys()]).toEqual([...new Set(whatwg.keys())]);
    const seen: string[] = [];
    light.forEach((value, name) => seen.push(`${name}=${value}`));
    expect(seen).toContain('retry-after=7');
    // Anything that copies it into a real Headers gets the same values.
    expect(new Headers([...light]).get('request-id')).toBe('req_1');
  });
});
