import Anthropic from '@anthropic-ai/sdk';
import { METRIC } from '../src/observability/metrics/gateway-metrics.js';
import { AnthropicStandIn, errorReply, jsonReply, OAUTH_BETA, signThinking, sseReply, streamSteps } from './support/anthropic-stand-in.js';
import { startGateway, TEST_API_KEY, type Gateway } from './support/gateway.js';
import { useGateway } from './support/lifecycle.js';
import { Scrape } from './support/metrics.js';

/**
 * The Anthropic door with the official Anthropic SDK as the client: what it
 * sends reaches the stand-in byte for byte (body, anthropic-version,
 * anthropic-beta), its key never does, and what upstream answers comes back
 * as upstream sent it.
 */

const CLIENT_KEY = 'team-anthropic-0123456789abcdef';
const ctx = useGateway({ PROXY_API_KEYS: CLIENT_KEY, BODY_LIMIT: '1mb' });

interface Sent {
  url: string;
  headers: Headers;
  body: string;
}

/** An SDK client at the gateway whose every request is also noted as it left the client. */
function client(options: { apiKey?: string | null; authToken?: string | null } = { apiKey: CLIENT_KEY }): { sdk: Anthropic; sent: Sent[] } {
  const sent: Sent[] = [];
  const sdk = new Anthropic({
    baseURL: ctx.gw.url,
    apiKey: options.apiKey ?? null,
    authToken: options.authToken ?? null,
    maxRetries: 0,
    fetch: async (url, init) => {
      sent.push({ url: String(url), headers: new Headers(init?.headers), body: typeof init?.body === 'string' ? init.body : '' });
      return fetch(url, init);
    },
  });
  return { sdk, sent };
}

const BETAS = ['interleaved-thinking-2025-05-14', 'fine-grained-tool-streaming-2025-05-14', 'context-1m-2025-08-07'];
const request = { model: 'claude-sonnet-5-5', max_tokens: 1024, messages: [{ role: 'user' as const, content: 'Hi ☃ "there"' }], metadata: { user_id: 'user_abc' } };

/** The raw header lines upstream got, as one string, to look for a value in any of them. */
const rawHeaderText = (standIn: AnthropicStandIn) => standIn.requests.flatMap((r) => r.rawHeaders).join('\n');

describe('POST /v1/messages with the Anthropic SDK', () => {
  it('messages.create: the body and anthropic-version reach upstream byte for byte; the answer, request-id and rate-limit headers come back as sent', async () => {
    const limits = { 'anthropic-ratelimit-requests-limit': '50', 'anthropic-ratelimit-tokens-remaining': '7999', 'anthropic-ratelimit-unified-status': 'allowed' };
    ctx.standIn.reply(jsonReply({ text: 'Hello back.' }, limits));
    const { sdk, sent } = client();
    const { data, response } = await sdk.messages.create(request).withResponse();
    expect(data.content).toEqual([{ type: 'text', text: 'Hello back.', citations: null }]);

    const got = ctx.standIn.last;
    expect(got.path).toBe('/v1/messages');
    expect(got.rawBody).toBe(sent[0].body);
    expect(got.headers['anthropic-version']).toBe(sent[0].headers.get('anthropic-version'));
    // The gateway's credential went up instead of the client's key.
    expect(rawHeaderText(ctx.standIn)).toContain(TEST_API_KEY);
    expect(rawHeaderText(ctx.standIn)).not.toContain(CLIENT_KEY);

    expect(response.headers.get('request-id')).toMatch(/^req_/);
    expect(response.headers.get('content-type')).toBe('application/json');
    for (const [name, value] of Object.entries(limits)) expect(response.headers.get(name)).toBe(value);
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });

  it('messages.stream through the beta door (?beta=true): anthropic-beta byte for byte, and every event relayed as upstream wrote it', async () => {
    ctx.standIn.reply(sseReply({ thinking: 'Let me think.', text: 'Streamed answer.' }));
    const { sdk, sent } = client();
    // The query string Claude Code adds; this SDK sends the beta list alone.
    const stream = sdk.beta.messages.stream({ ...request, betas: BETAS, thinking: { type: 'adaptive' } }, { query: { beta: 'true' } });
    const final = await stream.finalMessage();
    expect(final.content.map((b) => b.type)).toEqual(['thinking', 'text']);
    expect(final.content[1]).toMatchObject({ text: 'Streamed answer.' });

    const got = ctx.standIn.last;
    expect(got.path).toBe('/v1/messages?beta=true');
    expect(got.headers['anthropic-beta']).toBe(sent[0].headers.get('anthropic-beta'));
    expect(got.headers['anthropic-beta']).toBe(BETAS.join(','));
    expect(got.rawBody).toBe(sent[0].body);
    expect(rawHeaderText(ctx.standIn)).not.toContain(CLIENT_KEY);
  });

  it('relays the stream byte for byte: what the client reads is what upstream wrote', async () => {
    const steps = streamSteps({ text: 'Byte for byte: ☃ and 👩‍💻.' }, { fragment: 4 });
    ctx.standIn.reply({ kind: 'sse', steps });
    const res = await fetch(`${ctx.gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': CLIENT_KEY, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ ...request, stream: true }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    const written = steps.map((s) => ('event' in s ? `event: ${s.event}\ndata: ${JSON.stringify(s.data)}\n\n` : '')).join('');
    expect(await res.text()).toBe(written);
  });

  it('messages.countTokens: forwarded to count_tokens, answered as upstream counted', async () => {
    const { sdk, sent } = client({ authToken: CLIENT_KEY });
    const counted = await sdk.messages.countTokens({ model: request.model, messages: request.messages });
    expect(counted.input_tokens).toBeGreaterThan(0);
    const got = ctx.standIn.last;
    expect(got.path).toBe('/v1/messages/count_tokens');
    expect(got.rawBody).toBe(sent[0].body);
    expect(got.headers['x-api-key']).toBe(TEST_API_KEY);
    expect(got.headers.authorization).toBeUndefined();
    expect(rawHeaderText(ctx.standIn)).not.toContain(CLIENT_KEY);
  });

  it('a wrong key is the SDK\'s AuthenticationError, in Anthropic\'s shape, and nothing reaches upstream', async () => {
    for (const options of [{ apiKey: 'wrong-key-0000000000' }, { authToken: 'wrong-key-0000000000' }]) {
      const error = await client(options)
        .sdk.messages.create(request)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
      expect((error as InstanceType<typeof Anthropic.AuthenticationError>).error).toEqual({
        type: 'error',
        error: { type: 'authentication_error', message: 'Incorrect API key provided. Use one of the keys configured in PROXY_API_KEYS.' },
      });
    }
    expect(ctx.standIn.requests).toHaveLength(0);
  });

  it("passes upstream's errors as sent: status, body, request-id and retry-after (a 529 stays a 529 here)", async () => {
    ctx.standIn.reply(errorReply(529, 'overloaded_error', 'Overloaded', { 'retry-after': '7' }));
    const error = (await client()
      .sdk.messages.create(request)
      .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error.status).toBe(529);
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    expect(error.headers?.get('retry-after')).toBe('7');
    expect(error.requestID).toMatch(/^req_/);
  });

  it("redacts a credential upstream's error echoed, as every error that leaves", async () => {
    ctx.standIn.reply(errorReply(401, 'authentication_error', `invalid x-api-key: ${TEST_API_KEY}`));
    const error = (await client()
      .sdk.messages.create(request)
      .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
    expect(error.status).toBe(401);
    expect(JSON.stringify(error.error)).not.toContain(TEST_API_KEY);
    expect(error.error).toMatchObject({ error: { type: 'authentication_error', message: 'invalid x-api-key: sk-ant-***' } });
  });

  it('passes the real API\'s refusals of the body itself: a replayed tool turn whose signed thinking was altered', async () => {
    const { sdk } = client();
    const thinking = 'I should list the files.';
    const turn = (signature: string) => ({
      ...request,
      thinking: { type: 'adaptive' as const },
      tools: [{ name: 'Bash', description: 'Run a command', input_schema: { type: 'object' as const, properties: { command: { type: 'string' } } } }],
      messages: [
        { role: 'user' as const, content: 'List the files.' },
        {
          role: 'assistant' as const,
          content: [
            { type: 'thinking' as const, thinking, signature },
            { type: 'tool_use' as const, id: 'toolu_01', name: 'Bash', input: { command: 'ls' } },
          ],
        },
        { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: 'toolu_01', content: 'a.txt' }] },
      ],
    });
    // Kept intact by the gateway, the signed block is accepted.
    expect((await sdk.messages.create(turn(signThinking(thinking)))).content[0]).toMatchObject({ type: 'text' });
    const refused = (await sdk.messages.create(turn(`${signThinking(thinking)}x`)).catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
    expect(refused).toBeInstanceOf(Anthropic.BadRequestError);
    expect(refused.error).toMatchObject({ error: { type: 'invalid_request_error', message: 'messages.1.content.0: Invalid `signature` in `thinking` block' } });
  });

  it('an error event in the stream reaches the client once, as upstream wrote it', async () => {
    const error = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
    ctx.standIn.reply({ kind: 'sse', steps: [...streamSteps({ text: 'Half' }).slice(0, 3), { event: 'error', data: error }] });
    const res = await fetch(`${ctx.gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': CLIENT_KEY, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ ...request, stream: true }),
    });
    const text = await res.text();
    expect(text.match(/event: error/g)).toHaveLength(1);
    expect(text).toContain(`event: error\ndata: ${JSON.stringify(error)}\n\n`);
    ctx.standIn.reply({ kind: 'sse', steps: [...streamSteps({ text: 'Half' }).slice(0, 3), { event: 'error', data: error }] });
    const thrown = await client()
      .sdk.messages.stream(request)
      .finalMessage()
      .catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(Anthropic.APIError);
    expect((thrown as InstanceType<typeof Anthropic.APIError>).error).toEqual(error);
  });

  it('a stream cut short by upstream ends with an Anthropic error event the SDK raises', async () => {
    ctx.standIn.reply({ kind: 'sse', steps: [...streamSteps({ text: 'Half an answer' }).slice(0, 4), { destroy: true }] });
    const error = await client()
      .sdk.messages.stream(request)
      .finalMessage()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'api_error' } });
  });
});

describe("model discovery in Anthropic's shape", () => {
  it('models.list pages through every model the credential has; models.retrieve gives one; an unknown one is a NotFoundError', async () => {
    const { sdk, sent } = client();
    const ids: string[] = [];
    for await (const model of sdk.models.list({ limit: 2 })) {
      expect(model).toEqual({ type: 'model', id: expect.any(String), display_name: expect.any(String), created_at: expect.any(String) });
      ids.push(model.id);
    }
    expect(ids).toEqual(ctx.standIn.models.map((m) => m.id));
    expect(sent.length).toBeGreaterThan(1);
    expect(await sdk.models.retrieve('claude-opus-5-5')).toEqual(ctx.standIn.models.find((m) => m.id === 'claude-opus-5-5'));
    const missing = await sdk.models.retrieve('claude-nope').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    expect((missing as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });

  it("answers an OpenAI client (no anthropic-version) in OpenAI's shape on the same path", async () => {
    const res = await fetch(`${ctx.gw.url}/v1/models`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } });
    expect(await res.json()).toMatchObject({ object: 'list', data: expect.arrayContaining([expect.objectContaining({ object: 'model', owned_by: 'anthropic' })]) });
  });
});

describe('the Anthropic door refuses in Anthropic\'s shape', () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${ctx.gw.url}/v1/messages?beta=true`, {
      method: 'POST',
      // An empty value stands for a header left out.
      headers: Object.fromEntries(
        Object.entries({ 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}`, 'anthropic-version': '2023-06-01', ...headers }).filter(([, v]) => v !== ''),
      ),
      body,
    });

  it.each([
    ['a body that is not JSON', '{"model":', {}, 400, 'invalid_request_error'],
    ['a body that is not sent as JSON', 'hello', { 'content-type': 'text/plain' }, 415, 'invalid_request_error'],
    ['a missing key', '{}', { authorization: '' }, 401, 'authentication_error'],
    ['a body past BODY_LIMIT', JSON.stringify({ ...request, system: 'x'.repeat(1_100_000) }), {}, 413, 'request_too_large'],
    ['a body nested past JSON_MAX_DEPTH', `{"metadata":${'['.repeat(100)}${']'.repeat(100)}}`, {}, 400, 'invalid_request_error'],
  ])('%s', async (_what, body, headers, status, type) => {
    const res = await post(body, headers);
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ type: 'error', error: { type, message: expect.any(String) } });
    expect(ctx.standIn.requests).toHaveLength(0);
  });

  it('the real API\'s own refusal of a missing anthropic-version comes back as it was sent', async () => {
    const res = await post(JSON.stringify(request), { 'anthropic-version': '' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' } });
    expect(ctx.standIn.last.headers['anthropic-version']).toBeUndefined();
  });
});

describe('the Anthropic door is observed like the others', () => {
  it('metrics: route /v1/messages, tokens from usage, streamed or not; count_tokens apart, spending none', async () => {
    const before = await Scrape.from(ctx.gw.url);
    ctx.standIn.reply(jsonReply({ text: 'a', usage: { input_tokens: 30, output_tokens: 5 } }));
    ctx.standIn.reply(sseReply({ text: 'b', usage: { input_tokens: 40, output_tokens: 6, cache_read_input_tokens: 100 } }));
    const { sdk } = client();
    await sdk.messages.create(request);
    await sdk.messages.stream(request).finalMessage();
    await sdk.messages.countTokens({ model: request.model, messages: request.messages });
    const after = await waitForRecord(ctx.gw, before, 3);
    const delta = (name: string, labels: Record<string, string>) => Scrape.delta(before, after, name, labels);
    expect(delta(METRIC.requests, { route: '/v1/messages', status: '200', stream: 'false' })).toBe(1);
    expect(delta(METRIC.requests, { route: '/v1/messages', status: '200', stream: 'true' })).toBe(1);
    expect(delta(METRIC.requests, { route: '/v1/messages/count_tokens', status: '200' })).toBe(1);
    expect(delta(METRIC.tokens, { model: 'claude-sonnet-5-5', type: 'input' })).toBe(70);
    expect(delta(METRIC.tokens, { model: 'claude-sonnet-5-5', type: 'output' })).toBe(11);
    expect(delta(METRIC.tokens, { model: 'claude-sonnet-5-5', type: 'cache_read' })).toBe(100);
    const lines = ctx.gw.logs.lines.filter((line) => line.includes('"route":"/v1/messages"'));
    expect(lines.at(-1)).toMatch(/"stream":true.*"input_tokens":40.*"output_tokens":6.*"stop_reason":"end_turn"/);
    expect(ctx.gw.logs.text).not.toContain(CLIENT_KEY);
  });

  it('a client that leaves mid-stream stops the upstream call', async () => {
    ctx.standIn.reply(sseReply({ text: 'a long answer '.repeat(40) }, { fragment: 2, gapMs: 20 }));
    const controller = new AbortController();
    const stream = client().sdk.messages.stream(request, { signal: controller.signal });
    await new Promise<void>((resolve) => stream.on('text', () => resolve()));
    controller.abort();
    await expect(stream.finalMessage()).rejects.toThrow();
    await waitUntil(() => ctx.standIn.last.closedAt !== undefined);
    expect(ctx.standIn.last.closedEarly).toBe(true);
  });
});

describe('the Anthropic door with an OAuth token', () => {
  let standIn: AnthropicStandIn;
  let gw: Gateway;
  const token = 'sk-ant-oat01-door-test-token-0123456789';
  beforeAll(async () => {
    standIn = await AnthropicStandIn.start();
    gw = await startGateway(standIn, { ANTHROPIC_API_KEY: undefined, CLAUDE_ACCESS_TOKEN: token });
    standIn.auth = { oauthTokens: [token] };
  });
  afterAll(async () => {
    await gw?.close();
    await standIn?.close();
  });

  it("merges the OAuth beta into the client's list, never replacing it", async () => {
    const res = await fetch(`${gw.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'anthropic-beta': BETAS.join(',') },
      body: JSON.stringify(request),
    });
    expect(res.status).toBe(200);
    expect(standIn.last.headers['anthropic-beta']).toBe([...BETAS, OAUTH_BETA].join(','));
    expect(standIn.last.headers.authorization).toBe(`Bearer ${token}`);
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A scrape once `count` more requests have been recorded (a request is recorded when its response closes). */
async function waitForRecord(gw: Gateway, before: Scrape, count: number): Promise<Scrape> {
  let after = await Scrape.from(gw.url);
  const until = Date.now() + 15_000;
  while (Scrape.delta(before, after, METRIC.requests) < count && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    after = await Scrape.from(gw.url);
  }
  return after;
}
