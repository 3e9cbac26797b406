import OpenAI from 'openai';
import { messageReply, signThinking } from './support/anthropic-stand-in.js';
import { useGateway } from './support/lifecycle.js';
import { statusBeforeBody } from './support/raw-http.js';

const KEYS = ['team-a-0123456789abcdef', 'team-b-fedcba9876543210'];
const ctx = useGateway({ PROXY_API_KEYS: ` ${KEYS[0]}, ${KEYS[1]} ` });
const clientWith = (apiKey: string) => new OpenAI({ baseURL: `${ctx.gw.url}/v1`, apiKey, maxRetries: 0 });
const ask = (client: OpenAI) => client.chat.completions.create({ model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: 'hi' }] });

describe('PROXY_API_KEYS', () => {
  it('serves clients that send any of the configured keys', async () => {
    for (const key of KEYS) {
      expect((await ask(clientWith(key))).choices[0].message.content).toBe('Hello from the stand-in.');
      expect((await clientWith(key).models.retrieve('claude-opus-5-5')).id).toBe('claude-opus-5-5');
    }
  });

  it('answers 401 in OpenAI shape to a wrong or missing key, without calling Anthropic or echoing the key', async () => {
    const wrong = await ask(clientWith('wrong-key-0000000000000000')).catch((e) => e);
    expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(wrong.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
    expect(wrong.message).not.toContain('wrong-key');

    const missing = await fetch(`${ctx.gw.url}/v1/models`);
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as any).error.message).toMatch(/Authorization: Bearer/);
    expect(ctx.standIn.requests).toHaveLength(0);
  });

  it('takes the key as x-api-key too (Anthropic SDKs, ANTHROPIC_API_KEY), and refuses a wrong one there as well', async () => {
    for (const key of KEYS) expect((await fetch(`${ctx.gw.url}/v1/models`, { headers: { 'x-api-key': key } })).status).toBe(200);
    const wrong = await fetch(`${ctx.gw.url}/v1/models`, { headers: { 'x-api-key': 'wrong-key-0000000000000000' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('wrong-key');
    // A wrong Bearer beside a right x-api-key: either one the gateway knows lets the client in.
    const both = await fetch(`${ctx.gw.url}/v1/models`, { headers: { authorization: 'Bearer nope-000000', 'x-api-key': KEYS[1] } });
    expect(both.status).toBe(200);
    expect(ctx.standIn.requests.map((r) => r.headers['x-api-key'])).not.toContain(KEYS[1]);
  });

  it('checks the key before anything else: an unknown client gets 401, not 415', async () => {
    const res = await fetch(`${ctx.gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(res.status).toBe(401);
  });

  it('says at start-up that client authentication is on', () => {
    expect(ctx.gw.logs.text).toContain('Client authentication on: 2 key(s)');
  });

  it('leaves the health probes open, and never logs a client key', async () => {
    expect((await fetch(`${ctx.gw.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${ctx.gw.url}/health/ready`)).status).toBe(200);
    for (const key of KEYS) expect(ctx.gw.logs.text).not.toContain(key);
  });
});

describe('each client key its own tenant, in the in-process store', () => {
  const alice = { get responses() { return clientWith(KEYS[0]).responses; }, get chat() { return clientWith(KEYS[0]).chat; } };
  const bob = { get responses() { return clientWith(KEYS[1]).responses; }, get chat() { return clientWith(KEYS[1]).chat; } };

  it('answers 404 to another key for GET, DELETE, previous_response_id and item_reference, and keeps the owner\'s data', async () => {
    ctx.standIn.reply(messageReply({ text: 'Private.' }));
    const mine = await alice.responses.create({ model: 'claude-sonnet-5-5', input: 'secret' });
    await expect(bob.responses.retrieve(mine.id)).rejects.toMatchObject({ status: 404, code: 'response_not_found' });
    await expect(bob.responses.delete(mine.id)).rejects.toMatchObject({ status: 404, code: 'response_not_found' });
    await expect(bob.responses.create({ model: 'claude-sonnet-5-5', input: 'x', previous_response_id: mine.id })).rejects.toMatchObject({
      status: 404,
      code: 'previous_response_not_found',
    });
    await expect(bob.responses.create({ model: 'claude-sonnet-5-5', input: [{ type: 'item_reference', id: mine.output[0].id! }] })).rejects.toMatchObject({
      status: 404,
      code: 'item_not_found',
    });
    expect((await alice.responses.retrieve(mine.id)).output_text).toBe('Private.');
  });

  it("never replays one key's signed thinking into another key's request", async () => {
    const thought = 'Private reasoning of team a.';
    ctx.standIn.reply(
      messageReply({ thinking: thought, toolUses: [{ id: 'toolu_a', name: 'get_weather', input: {} }] }),
      messageReply({ text: 'ok' }),
      messageReply({ text: 'ok' }),
    );
    const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const question: OpenAI.ChatCompletionMessageParam = { role: 'user', content: 'Weather?' };
    const first = await alice.chat.completions.create({ model: 'claude-sonnet-5-5', messages: [question], tools, reasoning_effort: 'high' });
    const { tool_calls } = first.choices[0].message;
    const loop: OpenAI.ChatCompletionMessageParam[] = [question, { role: 'assistant', content: null, tool_calls }, { role: 'tool', tool_call_id: 'toolu_a', content: '3' }];
    await bob.chat.completions.create({ model: 'claude-sonnet-5-5', messages: loop, tools, reasoning_effort: 'high' });
    expect(JSON.stringify(ctx.standIn.last.body)).not.toContain(signThinking(thought));
    await alice.chat.completions.create({ model: 'claude-sonnet-5-5', messages: loop, tools, reasoning_effort: 'high' });
    expect(ctx.standIn.last.body.messages[1].content[0]).toMatchObject({ type: 'thinking', thinking: thought });
  });
});

describe('PROXY_API_KEYS before the body', () => {
  it('an unknown client gets its 401 before it has sent its body: the body is never read', async () => {
    expect(await statusBeforeBody(ctx.gw.url, { 'content-type': 'application/json' })).toBe(401);
  }, 15_000);
});
