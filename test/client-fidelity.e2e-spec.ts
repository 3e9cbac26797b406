import Instructor from '@instructor-ai/instructor';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, type ModelMessage } from 'ai';
import OpenAI from 'openai';
// instructor reads schemas through zod-to-json-schema, which knows zod's v3 API (zod 4 ships it as `zod/v3`).
import { z } from 'zod/v3';
import { messageReply } from './support/anthropic-stand-in.js';
import { useGateway } from './support/lifecycle.js';

/*
 * What real clients send that the gateway used to lose (issue 25): legacy
 * `functions` answered in their own shape, a conversation that opens with
 * the assistant, client cache breakpoints in Anthropic's words, and
 * `json_object` with a schema. The stand-in enforces the API's rules (first
 * turn is the user's, at most four breakpoints), so each test fails without
 * the translation it checks.
 */

const MODEL = 'claude-sonnet-5-5';
const User = z.object({ name: z.string(), age: z.number() });

/** What instructor's users write: a typed extraction, in the given mode. */
function extractUser(openai: OpenAI, mode: 'FUNCTIONS' | 'JSON_SCHEMA') {
  const client = Instructor({ client: openai, mode });
  return client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Ada is 36.' }], response_model: { schema: User, name: 'User' } });
}

describe('legacy functions (instructor FUNCTIONS mode, the OpenAI SDK)', () => {
  const ctx = useGateway();
  const weather = { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

  it('instructor: the function is forced, one call at a time, and its answer parsed', async () => {
    ctx.standIn.reply(messageReply({ toolUses: [{ name: 'User', input: { name: 'Ada', age: 36 } }] }));
    expect(await extractUser(ctx.gw.openai, 'FUNCTIONS')).toMatchObject({ name: 'Ada', age: 36 });
    expect(ctx.standIn.last.body.tool_choice).toEqual({ type: 'tool', name: 'User', disable_parallel_tool_use: true });
  });

  it('instructor streaming: partial objects from delta.function_call, the last one whole', async () => {
    ctx.standIn.reply(messageReply({ toolUses: [{ name: 'User', input: { name: 'Ada', age: 36 } }] }));
    const client = Instructor({ client: ctx.gw.openai, mode: 'FUNCTIONS' });
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Ada is 36.' }],
      response_model: { schema: User, name: 'User' },
      stream: true,
    });
    const partials: Array<Partial<z.infer<typeof User>>> = [];
    // instructor types its partials with zod 4's infer, which cannot read a zod/v3 schema.
    for await (const partial of stream as AsyncIterable<Partial<z.infer<typeof User>>>) partials.push({ name: partial.name, age: partial.age });
    expect(partials.length).toBeGreaterThan(1);
    expect(partials.at(-1)).toEqual({ name: 'Ada', age: 36 });
  });

  it('answers message.function_call with finish_reason "function_call", and no tool_calls', async () => {
    ctx.standIn.reply(messageReply({ toolUses: [{ name: 'get_weather', input: { city: 'Paris' } }] }));
    const answer = await ctx.gw.openai.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      functions: [weather],
    });
    expect(answer.choices[0].finish_reason).toBe('function_call');
    expect(answer.choices[0].message.function_call).toEqual({ name: 'get_weather', arguments: '{"city":"Paris"}' });
    expect(answer.choices[0].message.tool_calls).toBeUndefined();
  });

  it('streams delta.function_call, and finishes with "function_call"', async () => {
    ctx.standIn.reply(messageReply({ toolUses: [{ name: 'get_weather', input: { city: 'Paris' } }] }));
    const stream = await ctx.gw.openai.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      functions: [weather],
      function_call: { name: 'get_weather' },
      stream: true,
    });
    const deltas: OpenAI.ChatCompletionChunk.Choice[] = [];
    for await (const chunk of stream) deltas.push(...chunk.choices);
    expect(deltas.map((c) => c.delta.function_call?.arguments ?? '').join('')).toBe('{"city":"Paris"}');
    expect(deltas.find((c) => c.delta.function_call?.name)?.delta.function_call?.name).toBe('get_weather');
    expect(deltas.some((c) => c.delta.tool_calls)).toBe(false);
    expect(deltas.at(-1)?.finish_reason).toBe('function_call');
  });

  it('a request with tools keeps the tools answer', async () => {
    ctx.standIn.reply(messageReply({ toolUses: [{ name: 'get_weather', input: { city: 'Paris' } }] }));
    const answer = await ctx.gw.openai.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [{ type: 'function', function: weather }],
    });
    expect(answer.choices[0].finish_reason).toBe('tool_calls');
    expect(answer.choices[0].message.tool_calls?.[0]).toMatchObject({ function: { name: 'get_weather', arguments: '{"city":"Paris"}' } });
    expect(answer.choices[0].message.function_call).toBeUndefined();
    expect(ctx.standIn.last.body.tool_choice).toBeUndefined();
  });
});

describe('json_object with a schema (instructor JSON_SCHEMA mode)', () => {
  const ctx = useGateway();

  it('is held to the schema as structured output, not asked for in words', async () => {
    ctx.standIn.reply(messageReply({ text: '{"name":"Ada","age":36}' }));
    expect(await extractUser(ctx.gw.openai, 'JSON_SCHEMA')).toMatchObject({ name: 'Ada', age: 36 });
    const sent = ctx.standIn.last.body;
    expect(sent.output_config.format).toEqual({
      type: 'json_schema',
      schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'number' } }, required: ['name', 'age'], additionalProperties: false },
    });
    // instructor's own system message only; no JSON-mode instruction added.
    expect(sent.system).toHaveLength(1);
  });
});

describe('a conversation that opens with the assistant', () => {
  const ctx = useGateway();
  const placeholder = { role: 'user', content: [{ type: 'text', text: '.' }] };

  it('chat completions: a greeting first is answered, with a placeholder user turn before it', async () => {
    const answer = await ctx.gw.openai.chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'system', content: 'You are a weather bot.' },
        { role: 'assistant', content: 'Hello! Which city?' },
        { role: 'user', content: 'Paris' },
      ],
    });
    expect(answer.choices[0].message.content).toBe('Hello from the stand-in.');
    expect(ctx.standIn.last.body.messages[0]).toEqual(placeholder);
    expect(ctx.standIn.last.body.messages[1]).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'Hello! Which city?' }] });
  });

  it('responses: the same', async () => {
    const response = await ctx.gw.openai.responses.create({
      model: MODEL,
      store: false,
      input: [
        { role: 'assistant', content: 'Hello! Which city?' },
        { role: 'user', content: 'Paris' },
      ],
    });
    expect(response.output_text).toBe('Hello from the stand-in.');
    expect(ctx.standIn.last.body.messages[0]).toEqual(placeholder);
  });

  it('an upstream 400 naming a whole message names the client’s message (chat)', async () => {
    // A tool call left unanswered: the API names the message after it.
    const error = await ctx.gw.openai.chat.completions
      .create({
        model: MODEL,
        messages: [
          { role: 'assistant', content: 'Hi!' },
          { role: 'user', content: 'Weather?' },
          { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
          { role: 'user', content: 'Never mind.' },
        ],
        tools: [{ type: 'function', function: { name: 'get_weather' } }],
      })
      .catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.param).toBe('messages[3]');
    expect(error.message).toMatch(/^400 messages\[3\]: `tool_use` ids were found without `tool_result`/);
  });

  it.each([
    ['chat', '/v1/chat/completions', { messages: [{ role: 'user', content: 'Write a haiku.' }, { role: 'assistant', content: 'Autumn ' }] }, 'messages'],
    ['responses', '/v1/responses', { input: [{ role: 'user', content: 'Write a haiku.' }, { role: 'assistant', content: 'Autumn ' }] }, 'input'],
  ])('an upstream 400 naming the conversation as a whole names the client’s list (%s)', async (_name, path, body, param) => {
    const res = await fetch(`${ctx.gw.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: MODEL, ...body }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: unknown }).error).toMatchObject({ param, message: `${param}: final assistant content cannot end with trailing whitespace` });
  });

  it('an upstream 400 naming a whole message names the client’s input item (responses)', async () => {
    const error = await ctx.gw.openai.responses
      .create({
        model: MODEL,
        store: false,
        input: [
          { role: 'user', content: 'Weather?' },
          { type: 'function_call', call_id: 't1', name: 'get_weather', arguments: '{}' },
          { role: 'user', content: 'Never mind.' },
        ],
        tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} }, strict: false }],
      })
      .catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.param).toBe('input[2]');
  });
});

describe('client cache breakpoints (opencode’s request shape, through @ai-sdk/openai-compatible)', () => {
  const ctx = useGateway();
  const EPHEMERAL = { type: 'ephemeral' };

  /**
   * opencode marks its first two system messages and its last two others
   * (on their last content part) with `providerOptions.openaiCompatible.cache_control`,
   * which @ai-sdk/openai-compatible spreads onto the message, part or tool call it sends.
   */
  function markLikeOpencode(messages: ModelMessage[]): ModelMessage[] {
    const mark = { openaiCompatible: { cache_control: EPHEMERAL } };
    const system = messages.filter((m) => m.role === 'system').slice(0, 2);
    const final = messages.filter((m) => m.role !== 'system').slice(-2);
    for (const message of new Set([...system, ...final])) {
      const parts = Array.isArray(message.content) ? message.content : [];
      const last = parts[parts.length - 1] as { providerOptions?: unknown } | undefined;
      if (last) last.providerOptions = mark;
      else message.providerOptions = mark;
    }
    return messages;
  }

  it('puts each on its block, and leaves the automatic breakpoint out when all four slots are the client’s', async () => {
    const gateway = createOpenAICompatible({ name: 'gateway', baseURL: `${ctx.gw.url}/v1`, apiKey: 'unused' });
    const messages = markLikeOpencode([
      { role: 'system', content: 'You are opencode.' },
      { role: 'system', content: 'Project rules.' },
      { role: 'user', content: [{ type: 'text', text: 'List the files.' }] },
      { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'ls', input: { path: '.' } }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'ls', output: { type: 'text', value: 'a.ts b.ts' } }] },
    ]);
    const result = await generateText({ model: gateway.chatModel(MODEL), messages, tools: {}, allowSystemInMessages: true });
    expect(result.text).toBe('Hello from the stand-in.');
    const sent = ctx.standIn.last.body;
    expect(sent.system).toEqual([
      { type: 'text', text: 'You are opencode.', cache_control: EPHEMERAL },
      { type: 'text', text: 'Project rules.', cache_control: EPHEMERAL },
    ]);
    expect(sent.messages[1].content).toEqual([{ type: 'tool_use', id: 'call_1', name: 'ls', input: { path: '.' }, cache_control: EPHEMERAL }]);
    expect(sent.messages[2].content).toEqual([{ type: 'tool_result', tool_use_id: 'call_1', content: 'a.ts b.ts', cache_control: EPHEMERAL }]);
    expect(sent.cache_control).toBeUndefined();
  });

  it('with fewer than four, the automatic breakpoint stays', async () => {
    const gateway = createOpenAICompatible({ name: 'gateway', baseURL: `${ctx.gw.url}/v1`, apiKey: 'unused' });
    const messages = markLikeOpencode([
      { role: 'system', content: 'You are opencode.' },
      { role: 'user', content: [{ type: 'text', text: 'Hello.' }] },
    ]);
    await generateText({ model: gateway.chatModel(MODEL), messages, allowSystemInMessages: true });
    const sent = ctx.standIn.last.body;
    expect(sent.system).toEqual([{ type: 'text', text: 'You are opencode.', cache_control: EPHEMERAL }]);
    expect(sent.messages[0].content).toEqual([{ type: 'text', text: 'Hello.', cache_control: EPHEMERAL }]);
    expect(sent.cache_control).toEqual(EPHEMERAL);
  });

  it('a fifth breakpoint is a 400 naming it, before anything is sent', async () => {
    const marked = (text: string) => ({ role: 'user' as const, content: text, cache_control: EPHEMERAL });
    const error = await ctx.gw.openai.chat.completions
      .create({ model: MODEL, messages: [marked('a'), marked('b'), marked('c'), marked('d'), marked('e')] } as OpenAI.ChatCompletionCreateParamsNonStreaming)
      .catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.param).toBe('messages[4].cache_control');
    expect(ctx.standIn.requests).toHaveLength(0);
  });
});
