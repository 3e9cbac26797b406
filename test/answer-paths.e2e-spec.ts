/**
 * A client that does not stream is answered from one non-streaming upstream
 * call when its output budget is modest, and from a stream assembled into
 * one answer when it is large (beyond what the SDK lets a non-streaming
 * call run). The client must not be able to tell which: every answer here
 * is fetched both ways and compared.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type OpenAI from 'openai';
import { AnthropicStandIn, errorReply, messageReply, type MessageSpec } from './support/anthropic-stand-in.js';
import { startGateway, type Gateway } from './support/gateway.js';

const MODEL = 'claude-sonnet-5-5';
/** Below the SDK's long-request guard: one non-streaming upstream call. */
const MODEST = 256;
/** Above it: streamed upstream and assembled. */
const LARGE = 64_000;

const ANSWERS: Array<[string, MessageSpec]> = [
  ['plain text', { text: 'Hello, world. Ünïcödé and emoji 🎉 too.' }],
  ['an empty answer', { text: '' }],
  ['text with cache usage', { text: 'cached', usage: { input_tokens: 10, output_tokens: 3, cache_read_input_tokens: 50, cache_creation_input_tokens: 7 } }],
  ['reasoning and text', { thinking: 'Let me think about it.', text: 'Forty-two.' }],
  [
    'two tool calls after text',
    {
      text: 'Looking both up.',
      toolUses: [
        { id: 'toolu_01', name: 'lookup', input: { q: 'weather', nested: { days: [1, 2] } } },
        { id: 'toolu_02', name: 'ping', input: {} },
      ],
    },
  ],
  ['cut at max_tokens', { text: 'This answer was cut', stopReason: 'max_tokens' }],
  ['a refusal', { text: '', stopReason: 'refusal' }],
];

let standIn: AnthropicStandIn;
let gw: Gateway;

beforeAll(async () => {
  standIn = await AnthropicStandIn.start();
  gw = await startGateway(standIn);
});
beforeEach(() => standIn.reset());
afterAll(async () => {
  await gw?.close();
  await standIn?.close();
});

/** One non-streaming completion, and whether upstream was asked to stream for it. */
async function answer(spec: MessageSpec, maxTokens: number) {
  standIn.reply(messageReply(spec, { fragment: 3 }));
  const completion = await gw.openai.chat.completions.create({ model: MODEL, max_tokens: maxTokens, messages: [{ role: 'user', content: 'q' }] });
  const { id, created, ...rest } = completion;
  expect(id).toMatch(/^chatcmpl-msg_/);
  expect(created).toEqual(expect.any(Number));
  return { rest, upstreamStreamed: standIn.last.body.stream as boolean, upstreamMaxTokens: standIn.last.body.max_tokens as number };
}

describe.each(ANSWERS)('%s', (_name, spec) => {
  it('is the same answer whether upstream streamed or not', async () => {
    const direct = await answer(spec, MODEST);
    const assembled = await answer(spec, LARGE);
    expect(direct.upstreamStreamed).toBe(false);
    expect(assembled.upstreamStreamed).toBe(true);
    expect(direct.upstreamMaxTokens).toBe(MODEST);
    expect(direct.rest).toEqual(assembled.rest);
  });
});

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false,
};
const applyPatch = { type: 'custom', name: 'apply_patch', description: 'Edit files.', format: { type: 'text' } };

/** The same equivalence for `POST /v1/responses`: each answer with the request fields that bring it about. */
const RESPONSES: Array<[string, MessageSpec, Partial<OpenAI.Responses.ResponseCreateParamsNonStreaming>]> = [
  ['text', { text: 'Hello, world. Ünïcödé and emoji 🎉 too.' }, {}],
  ['thinking, signed content included', { thinking: 'Let me think about it.', text: 'Forty-two.' }, { include: ['reasoning.encrypted_content'] }],
  [
    'a function call after text',
    { text: 'Looking it up.', toolUses: [{ id: 'toolu_01', name: 'get_weather', input: { city: 'Paris', nested: { days: [1, 2] } } }] },
    { tools: [weatherTool] },
  ],
  [
    'a web search with citations',
    { webSearch: { query: 'nestjs 12 release', url: 'https://example.com/nest', title: 'Nest' }, text: 'It was released.' },
    { tools: [{ type: 'web_search' }] as OpenAI.Responses.Tool[] },
  ],
  [
    'a custom tool call',
    { toolUses: [{ id: 'toolu_ap', name: 'apply_patch', input: { input: '*** Begin Patch\n+hi\n*** End Patch' } }] },
    { tools: [applyPatch] as OpenAI.Responses.Tool[] },
  ],
  ['cut at max_output_tokens', { text: 'This answer was cut', stopReason: 'max_tokens' }, {}],
];

/** One non-streaming response, with what differs by nature (ids, times) taken out. */
async function respond(spec: MessageSpec, maxTokens: number, fields: Partial<OpenAI.Responses.ResponseCreateParamsNonStreaming>) {
  standIn.reply(messageReply(spec, { fragment: 3 }));
  const response = await gw.openai.responses.create({ model: MODEL, input: 'q', max_output_tokens: maxTokens, store: false, ...fields });
  expect(response.id).toMatch(/^resp_[0-9a-f]+$/);
  // Item ids are made from the response id.
  const { id: _id, created_at: _created, completed_at: _completed, max_output_tokens: _max, ...rest } = JSON.parse(
    JSON.stringify(response).replaceAll(response.id.slice('resp_'.length), '<id>'),
  );
  return { rest, upstreamStreamed: standIn.last.body.stream as boolean, upstreamMaxTokens: standIn.last.body.max_tokens as number };
}

describe.each(RESPONSES)('/v1/responses: %s', (_name, spec, fields) => {
  it('is the same response whether upstream streamed or not', async () => {
    const direct = await respond(spec, MODEST, fields);
    const assembled = await respond(spec, LARGE, fields);
    expect(direct.upstreamStreamed).toBe(false);
    expect(assembled.upstreamStreamed).toBe(true);
    expect(direct.upstreamMaxTokens).toBe(MODEST);
    expect(direct.rest).toEqual(assembled.rest);
  });
});

describe('which way upstream is asked', () => {
  it('streams for the default budget (the model’s maximum), as before', async () => {
    standIn.reply(messageReply({ text: 'ok' }));
    await gw.openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'q' }] });
    expect(standIn.last.body.stream).toBe(true);
  });

  it('streams for a streaming client, whatever its budget', async () => {
    standIn.reply(messageReply({ text: 'ok' }));
    const stream = await gw.openai.chat.completions.create({ model: MODEL, max_tokens: MODEST, stream: true, messages: [{ role: 'user', content: 'q' }] });
    for await (const _ of stream) void _;
    expect(standIn.last.body.stream).toBe(true);
  });

  it('streams when UPSTREAM_TIMEOUT_MS is shorter than the SDK’s budget for a non-streaming call', async () => {
    const impatient = await startGateway(standIn, { UPSTREAM_TIMEOUT_MS: '60000' });
    try {
      standIn.reply(messageReply({ text: 'ok' }));
      await impatient.openai.chat.completions.create({ model: MODEL, max_tokens: MODEST, messages: [{ role: 'user', content: 'q' }] });
      expect(standIn.last.body.stream).toBe(true);
    } finally {
      await impatient.close();
    }
  });
});

describe('the non-streaming upstream call', () => {
  it('passes an upstream refusal on as before: status, body and retry headers', async () => {
    standIn.reply(errorReply(429, 'rate_limit_error', 'Number of requests has exceeded your rate limit', { 'retry-after': '13' }));
    const error = (await gw.openai.chat.completions
      .create({ model: MODEL, max_tokens: MODEST, messages: [{ role: 'user', content: 'q' }] })
      .catch((e: unknown) => e)) as { status: number; error: unknown; headers: Headers };
    expect(standIn.last.body.stream).toBe(false);
    expect(error.status).toBe(429);
    expect(error.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(error.headers.get('retry-after')).toBe('13');
  });

  it('passes the upstream request id on as x-upstream-request-id', async () => {
    standIn.reply(messageReply({ text: 'ok' }));
    const { response } = await gw.openai.chat.completions
      .create({ model: MODEL, max_tokens: MODEST, messages: [{ role: 'user', content: 'q' }] })
      .withResponse();
    expect(response.headers.get('x-upstream-request-id')).toMatch(/^req_/);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('sends no ETag and no x-powered-by, on answers or elsewhere', async () => {
    standIn.reply(messageReply({ text: 'ok' }));
    const { response } = await gw.openai.chat.completions
      .create({ model: MODEL, max_tokens: MODEST, messages: [{ role: 'user', content: 'q' }] })
      .withResponse();
    const models = await fetch(`${gw.url}/v1/models`);
    await models.arrayBuffer();
    for (const headers of [response.headers, models.headers]) {
      expect(headers.get('etag')).toBeNull();
      expect(headers.get('x-powered-by')).toBeNull();
    }
  });

  it('is hung up on when the client leaves before the answer', async () => {
    // Far longer than the wait below: on a busy machine the stand-in must not answer before the hang-up.
    standIn.reply({ kind: 'json', body: {}, delayMs: 8000 });
    const abort = new AbortController();
    const pending = gw.openai.chat.completions
      .create({ model: MODEL, max_tokens: MODEST, messages: [{ role: 'user', content: 'q' }] }, { signal: abort.signal })
      .catch((e: unknown) => e);
    for (let i = 0; i < 200 && standIn.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    abort.abort();
    await pending;
    for (let i = 0; i < 300 && standIn.last.closedAt === undefined; i++) await new Promise((r) => setTimeout(r, 10));
    expect(standIn.last.body.stream).toBe(false);
    expect(standIn.last.closedEarly).toBe(true);
  }, 15_000);
});
