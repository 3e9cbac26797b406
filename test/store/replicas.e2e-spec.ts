import OpenAI from 'openai';
import { randomBytes } from 'node:crypto';
import { STORE_TIMEOUT_MS } from '../../src/store/redis-store.js';
import { AnthropicStandIn, messageReply, signThinking } from '../support/anthropic-stand-in.js';
import { waitFor } from '../support/claude-home.js';
import { startGateway, type Gateway } from '../support/gateway.js';
import { Scrape } from '../support/metrics.js';
import { RedisServer, redisOrSkip } from '../support/redis-server.js';

/*
 * Two replicas of the gateway sharing one real Redis (redis-server, with a
 * password): what one stores, the other reads, continues and deletes; signed
 * thinking kept by one is replayed by the other; each client key sees only
 * its own data; and Redis going away and coming back costs only the
 * requests that need it.
 */

const MODEL = 'claude-sonnet-5-5';
const ALICE = 'alice-key-0123456789abcdef';
const BOB = 'bob-key-0123456789abcdefgh';
const THOUGHT = 'The user wants the weather in Paris; I should call get_weather.';
const TOOLS: OpenAI.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
];
const STORE_OPS = ['read', 'write', 'get', 'delete', 'lock'];

const describeRedis = redisOrSkip() ? describe : describe.skip;

describeRedis('two replicas sharing Redis', () => {
  let redis: RedisServer;
  let standIn: AnthropicStandIn;
  let a: Gateway;
  let b: Gateway;
  const client = (gw: Gateway, apiKey: string) => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey, maxRetries: 0 });

  beforeAll(async () => {
    redis = await RedisServer.start({ password: `pw-${randomBytes(8).toString('hex')}` });
    standIn = await AnthropicStandIn.start();
    const env = {
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `replicas-${randomBytes(4).toString('hex')}:`,
      PROXY_API_KEYS: `${ALICE},${BOB}`,
      STORE_TENANT_SECRET: 'shared-tenant-secret-0123456789',
    };
    // One after the other: each captures its own start-up logs.
    a = await startGateway(standIn, env);
    b = await startGateway(standIn, env);
    await waitFor(async () => (await storeState(a)) === 'up' && (await storeState(b)) === 'up', 'both replicas connected to Redis', 15_000);
  }, 60_000);
  beforeEach(() => standIn.reset());
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await standIn?.close();
    await redis?.stop();
  });

  it('reads, continues and deletes on one replica a response stored on the other', async () => {
    standIn.reply(messageReply({ text: 'First answer.' }), messageReply({ text: 'Second.' }), messageReply({ text: 'Third.' }));
    const first = await client(a, ALICE).responses.create({ model: MODEL, input: 'one' });

    expect((await client(b, ALICE).responses.retrieve(first.id)).output_text).toBe('First answer.');
    await client(b, ALICE).responses.create({ model: MODEL, input: 'two', previous_response_id: first.id });
    expect(standIn.last.body.messages.slice(0, 2)).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'one' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'First answer.' }] },
    ]);
    await client(b, ALICE).responses.create({
      model: MODEL,
      input: [{ type: 'item_reference', id: first.output[0].id! }, { role: 'user', content: 'three' }],
    });
    // The conversation now opens with the assistant's turn: the gateway puts a user turn before it (docs/translation.md).
    expect(standIn.last.body.messages.slice(0, 2)).toEqual([
      { role: 'user', content: [{ type: 'text', text: '.' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'First answer.' }] },
    ]);

    expect(await client(b, ALICE).responses.delete(first.id)).toMatchObject({ id: first.id, deleted: true });
    await expect(client(a, ALICE).responses.retrieve(first.id)).rejects.toMatchObject({ status: 404, code: 'response_not_found' });
  });

  it('replays on one replica the signed thinking of a tool call answered on the other', async () => {
    standIn.reply(
      messageReply({ thinking: THOUGHT, toolUses: [{ id: 'toolu_paris', name: 'get_weather', input: { city: 'Paris' } }] }),
      messageReply({ text: 'It is 18°C in Paris.' }),
    );
    const question: OpenAI.ChatCompletionMessageParam = { role: 'user', content: 'Weather in Paris?' };
    const first = await client(a, ALICE).chat.completions.create({ model: MODEL, messages: [question], tools: TOOLS, reasoning_effort: 'high' });
    const { tool_calls } = first.choices[0].message;
    await client(b, ALICE).chat.completions.create({
      model: MODEL,
      tools: TOOLS,
      reasoning_effort: 'high',
      // As most clients send it: without the thinking fields they do not know.
      messages: [question, { role: 'assistant', content: null, tool_calls }, { role: 'tool', tool_call_id: tool_calls![0].id, content: '18°C' }],
    });
    expect(standIn.last.body.messages[1].content[0]).toEqual({ type: 'thinking', thinking: THOUGHT, signature: signThinking(THOUGHT) });
  });

  it("keeps each client key's data its own: another key gets 404 and never another's thinking", async () => {
    standIn.reply(
      messageReply({ text: 'Private.' }),
      messageReply({ thinking: THOUGHT, toolUses: [{ id: 'toolu_secret', name: 'get_weather', input: { city: 'Oslo' } }] }),
      messageReply({ text: 'ok' }),
    );
    const mine = await client(a, ALICE).responses.create({ model: MODEL, input: 'secret' });
    const bob = client(b, BOB);
    await expect(bob.responses.retrieve(mine.id)).rejects.toMatchObject({ status: 404, code: 'response_not_found' });
    await expect(bob.responses.delete(mine.id)).rejects.toMatchObject({ status: 404, code: 'response_not_found' });
    await expect(bob.responses.create({ model: MODEL, input: 'hi', previous_response_id: mine.id })).rejects.toMatchObject({
      status: 404,
      code: 'previous_response_not_found',
    });
    await expect(
      bob.responses.create({ model: MODEL, input: [{ type: 'item_reference', id: mine.output[0].id! }] }),
    ).rejects.toMatchObject({ status: 404, code: 'item_not_found' });

    // Alice's tool call, continued by Bob with its id: Alice's signed thinking is not sent on his behalf.
    const question: OpenAI.ChatCompletionMessageParam = { role: 'user', content: 'Weather in Oslo?' };
    const call = await client(a, ALICE).chat.completions.create({ model: MODEL, messages: [question], tools: TOOLS, reasoning_effort: 'high' });
    const { tool_calls } = call.choices[0].message;
    await bob.chat.completions.create({
      model: MODEL,
      tools: TOOLS,
      reasoning_effort: 'high',
      messages: [question, { role: 'assistant', content: null, tool_calls }, { role: 'tool', tool_call_id: tool_calls![0].id, content: '3°C' }],
    });
    expect(JSON.stringify(standIn.last.body)).not.toContain(THOUGHT);
    // Still Alice's.
    expect((await client(b, ALICE).responses.retrieve(mine.id)).output_text).toBe('Private.');
    // No client key, in any form, in Redis.
    const keys = await redisKeys();
    expect(keys.join('\n')).not.toContain(ALICE);
    expect(keys.join('\n')).not.toContain(BOB);
  });

  it('costs a plain chat completion no store call, and a Responses call at most two', async () => {
    standIn.reply(messageReply({ text: 'x' }), messageReply({ text: 'y' }), messageReply({ text: 'z' }));
    const before = await Scrape.from(a.url);
    await client(a, ALICE).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
    const afterChat = await Scrape.from(a.url);
    expect(storeCalls(before, afterChat)).toBe(0);
    const first = await client(a, ALICE).responses.create({ model: MODEL, input: 'one' });
    const afterFirst = await Scrape.from(a.url);
    expect(storeCalls(afterChat, afterFirst)).toBe(1);
    await client(a, ALICE).responses.create({ model: MODEL, input: 'two', previous_response_id: first.id });
    expect(storeCalls(afterFirst, await Scrape.from(a.url))).toBe(2);
  });

  it('costs a stateless Responses tool loop (store: false, encrypted reasoning sent back, as Codex does) no store call', async () => {
    standIn.reply(
      messageReply({ thinking: THOUGHT, toolUses: [{ id: 'toolu_codex', name: 'get_weather', input: { city: 'Rome' } }] }),
      messageReply({ text: 'Sunny.' }),
    );
    const tools: OpenAI.Responses.FunctionTool[] = [{ type: 'function', name: 'get_weather', strict: false, parameters: { type: 'object' } }];
    const options = { model: MODEL, store: false, include: ['reasoning.encrypted_content' as const], reasoning: { effort: 'high' as const }, tools };
    const step1 = await client(a, ALICE).responses.create({ ...options, input: 'Weather in Rome?' });
    const before = await Scrape.from(a.url);
    await client(a, ALICE).responses.create({
      ...options,
      input: [
        { role: 'user', content: 'Weather in Rome?' },
        ...(step1.output as OpenAI.Responses.ResponseInputItem[]),
        { type: 'function_call_output', call_id: 'toolu_codex', output: 'sunny' },
      ],
    });
    expect(standIn.last.body.messages[1].content[0]).toMatchObject({ type: 'thinking', thinking: THOUGHT });
    expect(storeCalls(before, await Scrape.from(a.url))).toBe(0);
  });

  it('survives Redis stopping and starting: only stateful requests fail, with a 503, and the replicas reconnect on their own', async () => {
    standIn.reply(...Array.from({ length: 8 }, () => messageReply({ text: 'still here' })));
    const kept = await client(a, ALICE).responses.create({ model: MODEL, input: 'before' });
    const before = await Scrape.from(a.url);
    await redis.stop();
    await waitFor(async () => (await storeState(a)) === 'degraded', 'replica A to see Redis gone', 15_000);

    // Stateless: untouched. A tool loop whose thinking is kept in the store goes on without it for this turn.
    const chat = await client(a, ALICE).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
    expect(chat.choices[0].message.content).toBe('still here');
    const loop = await client(a, ALICE).chat.completions.create({
      model: MODEL,
      tools: TOOLS,
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_gone', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'toolu_gone', content: '3' },
      ],
    });
    expect(loop.choices[0].message.content).toBe('still here');
    // Needing the store: a 503 in OpenAI's shape, at once (no offline queue; STORE_TIMEOUT_MS bounds a slow Redis).
    expect(STORE_TIMEOUT_MS).toBeLessThan(2000);
    for (const attempt of [
      () => client(a, ALICE).responses.retrieve(kept.id),
      () => client(a, ALICE).responses.create({ model: MODEL, input: 'next', previous_response_id: kept.id }),
    ]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect(error).toMatchObject({ status: 503, code: 'store_unavailable', type: 'server_error' });
    }
    // An answer that could not be stored is still given; the failed write is counted.
    const unstored = await client(a, ALICE).responses.create({ model: MODEL, input: 'stored nowhere' });
    expect(unstored.output_text).toBe('still here');
    const during = await Scrape.from(a.url);
    expect(Scrape.delta(before, during, 'claude_proxy_store_errors_total', { operation: 'write' })).toBeGreaterThanOrEqual(1);
    expect(Scrape.delta(before, during, 'claude_proxy_store_errors_total', { operation: 'get' })).toBeGreaterThanOrEqual(1);
    // Readiness stays ready, and says why the store is degraded.
    const ready = await fetch(`${a.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as any).details.store).toMatchObject({ status: 'up', store: 'redis', state: 'degraded' });

    await redis.start();
    await waitFor(async () => (await storeState(a)) === 'up' && (await storeState(b)) === 'up', 'both replicas to reconnect', 30_000);
    // An empty Redis (no persistence): new conversations work across replicas again.
    const after = await client(a, ALICE).responses.create({ model: MODEL, input: 'after' });
    expect((await client(b, ALICE).responses.retrieve(after.id)).output_text).toBe('still here');
  }, 90_000);

  it('gives up on a Redis that stopped answering after STORE_TIMEOUT_MS, with the same 503, and goes on when it answers again', async () => {
    standIn.reply(messageReply({ text: 'kept' }), messageReply({ text: 'plain' }));
    const kept = await client(a, ALICE).responses.create({ model: MODEL, input: 'before' });
    redis.pause();
    try {
      const error = await client(a, ALICE).responses.retrieve(kept.id).catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 503, code: 'store_unavailable' });
      const chat = await client(a, ALICE).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
      expect(chat.choices[0].message.content).toBe('plain');
    } finally {
      redis.resume();
    }
    await waitFor(async () => (await client(a, ALICE).responses.retrieve(kept.id).then(() => true, () => false)), 'Redis to answer again', 15_000);
  }, 60_000);

  it('leaves no Redis password in any log line', () => {
    const password = new URL(redis.url).password;
    expect(a.logs.text + b.logs.text).not.toContain(password);
    expect(a.logs.text).toContain('Shared state in Redis at 127.0.0.1');
  });

  async function redisKeys(): Promise<string[]> {
    const { loadRedis, RedisConnection } = await import('../../src/store/redis-store.js');
    const connection = new RedisConnection(redis.url, await loadRedis());
    connection.open();
    try {
      await waitFor(() => connection.ready, 'a connection to Redis', 15_000);
      return (await connection.command(['KEYS', '*'])) as string[];
    } finally {
      await connection.close();
    }
  }
});

async function storeState(gw: Gateway): Promise<string> {
  const res = await fetch(`${gw.url}/health/ready`);
  return ((await res.json()) as any).details?.store?.state;
}

/** Calls to the store the gateway made between two scrapes (each one round trip to Redis). */
function storeCalls(before: Scrape, after: Scrape): number {
  return STORE_OPS.reduce((sum, operation) => sum + Scrape.delta(before, after, 'claude_proxy_store_duration_seconds', { operation }, 'count'), 0);
}
