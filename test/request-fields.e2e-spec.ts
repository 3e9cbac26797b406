import { ChatOpenAI } from '@langchain/openai';
import OpenAI from 'openai';
import { errorReply, messageReply } from './support/anthropic-stand-in.js';
import { useGateway } from './support/lifecycle.js';

/** Nothing a client sends that changes the answer is dropped in silence. */

const ctx = useGateway();
const MODEL = 'claude-sonnet-5-5';
const hi: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hi' }];
const create = (body: Record<string, unknown>) =>
  ctx.gw.openai.chat.completions.create({ model: MODEL, messages: hi, ...body } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
const langchain = () =>
  new ChatOpenAI({ model: MODEL, apiKey: 'client-side-key-unused', maxRetries: 0, configuration: { baseURL: `${ctx.gw.url}/v1` } });

describe('output Claude cannot give is a 400 naming the parameter', () => {
  it.each([
    [{ logprobs: true }, 'logprobs'],
    [{ logprobs: true, top_logprobs: 3 }, 'logprobs'],
    [{ top_logprobs: 2 }, 'top_logprobs'],
    [{ audio: { voice: 'alloy', format: 'mp3' }, modalities: ['text', 'audio'] }, 'audio'],
    [{ modalities: ['text', 'audio'] }, 'modalities'],
  ])('%j', async (body, param) => {
    const error = await create(body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as { param: string }).param).toBe(param);
    expect(ctx.standIn.requests).toHaveLength(0);
  });

  it('accepts the harmless values: logprobs false, text modality', async () => {
    await expect(create({ logprobs: false, top_logprobs: 0, modalities: ['text'] })).resolves.toBeDefined();
  });
});

describe('legacy functions', () => {
  const functions = [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }];

  it('map to tools and tool_choice, one call at a time (the legacy answer carries one function_call)', async () => {
    await create({ functions, function_call: { name: 'get_weather' } });
    expect(ctx.standIn.last.body.tools).toEqual([{ name: 'get_weather', input_schema: functions[0].parameters }]);
    expect(ctx.standIn.last.body.tool_choice).toEqual({ type: 'tool', name: 'get_weather', disable_parallel_tool_use: true });
  });

  it('an assistant function_call and its role "function" result become a tool_use and a tool_result with one id', async () => {
    const answer = await create({
      functions,
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        { role: 'assistant', content: null, function_call: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
        { role: 'function', name: 'get_weather', content: '3°C' },
      ],
    });
    expect(answer.choices[0].message.content).toBe('Hello from the stand-in.');
    const [, call, result] = ctx.standIn.last.body.messages;
    expect(call.content[0]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Oslo' } });
    expect(result.content[0]).toEqual({ type: 'tool_result', tool_use_id: call.content[0].id, content: '3°C' });
  });

  it('a function result that answers no call is a 400 naming it', async () => {
    const error = await create({ messages: [{ role: 'user', content: 'x' }, { role: 'function', name: 'nope', content: 'r' }] }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.param).toBe('messages[1].name');
  });
});

describe('tool-call ids from other providers', () => {
  it('are mapped the same way in calls and results, so upstream accepts them', async () => {
    const id = 'functions.get_weather:0';
    const answer = await create({
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: id, content: 'sunny' },
      ],
    });
    expect(answer.choices[0].finish_reason).toBe('stop');
    const [, call, result] = ctx.standIn.last.body.messages;
    expect(call.content[0].id).toMatch(/^[a-zA-Z0-9_-]+$/);
    expect(result.content[0].tool_use_id).toBe(call.content[0].id);
  });
});

describe('upstream errors that name a block', () => {
  it('name the client’s field instead of the translated request’s', async () => {
    ctx.standIn.reply(errorReply(400, 'invalid_request_error', 'messages.1.content.1.input: Input does not match the tool schema'));
    const error = await create({
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
        { role: 'assistant', content: 'calling', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'r' },
      ],
      tools: [{ type: 'function', function: { name: 'f' } }],
    }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.param).toBe('messages[3].tool_calls[0].input');
    expect(error.message).toContain('messages[3].tool_calls[0].input: Input does not match the tool schema');
  });
});

describe('json_object', () => {
  it('asks for a single JSON object and hands back the object even when the model fences it', async () => {
    ctx.standIn.reply(messageReply({ text: '```json\n{"answer": 42}\n```' }));
    const answer = await create({ response_format: { type: 'json_object' } });
    expect(JSON.parse(answer.choices[0].message.content!)).toEqual({ answer: 42 });
    expect(ctx.standIn.last.body.system.at(-1).text).toMatch(/one valid JSON object/);
  });

  it('takes the fence off a streamed answer too', async () => {
    ctx.standIn.reply(messageReply({ text: '```json\n{"answer": [1, 2, 3]}\n```' }, { fragment: 2 }));
    const stream = await ctx.gw.openai.chat.completions.create({
      model: MODEL,
      messages: hi,
      response_format: { type: 'json_object' },
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(JSON.parse(text)).toEqual({ answer: [1, 2, 3] });
  });

  it('works for LangChain withStructuredOutput(..., {method: "jsonMode"})', async () => {
    // As a model does: told to answer with JSON only, it does; otherwise it talks around it.
    ctx.standIn.reply((req) => {
      const asked = JSON.stringify(req.body.system ?? '').includes('one valid JSON object');
      const json = '{"name": "Ada", "age": 36}';
      return messageReply({ text: asked ? json : `Sure! Here is Ada as JSON: ${json} Let me know if you need more.` })(req);
    });
    const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'] };
    const structured = langchain().withStructuredOutput(schema, { method: 'jsonMode' });
    expect(await structured.invoke('Return Ada Lovelace as JSON with name and age.')).toEqual({ name: 'Ada', age: 36 });
  }, 30_000);
});

describe('schemas upstream accepts', () => {
  it('LangChain withStructuredOutput (json_schema): $schema dropped, objects closed, unsupported keywords described', async () => {
    ctx.standIn.reply(messageReply({ text: '{"name":"Ada","email":"ada@example.com"}' }));
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: 'Person',
      type: 'object',
      properties: { name: { type: 'string', minLength: 1 }, email: { type: 'string', format: 'email' } },
      required: ['name', 'email'],
      additionalProperties: false,
    };
    const structured = langchain().withStructuredOutput(schema, { method: 'jsonSchema', name: 'Person' });
    expect(await structured.invoke('Ada?')).toEqual({ name: 'Ada', email: 'ada@example.com' });
    const sent = ctx.standIn.last.body.output_config.format.schema;
    expect(sent.$schema).toBeUndefined();
    expect(sent.properties.name).toEqual({ type: 'string', description: '{minLength: 1}' });
    expect(sent.properties.email).toEqual({ type: 'string', format: 'email' });
  }, 30_000);

  it('a pydantic schema ($defs, $ref, titles) for a strict tool', async () => {
    await create({
      tools: [
        {
          type: 'function',
          function: {
            name: 'order',
            strict: true,
            parameters: {
              title: 'Order',
              type: 'object',
              properties: { items: { title: 'Items', type: 'array', items: { $ref: '#/$defs/Item' }, minItems: 1 } },
              required: ['items'],
              $defs: { Item: { title: 'Item', type: 'object', properties: { sku: { type: 'string', pattern: '^[A-Z]+$' } }, required: ['sku'] } },
            },
          },
        },
      ],
    });
    expect(ctx.standIn.last.body.tools[0].input_schema).toEqual({
      title: 'Order',
      type: 'object',
      properties: { items: { title: 'Items', type: 'array', items: { $ref: '#/$defs/Item' }, minItems: 1 } },
      required: ['items'],
      additionalProperties: false,
      $defs: {
        Item: {
          title: 'Item',
          type: 'object',
          properties: { sku: { type: 'string', description: '{pattern: "^[A-Z]+$"}' } },
          required: ['sku'],
          additionalProperties: false,
        },
      },
    });
  });

  it('a schema the transform cannot take is a 400 naming it', async () => {
    const error = await create({
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { properties: { a: {} } } } },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.param).toBe('response_format.json_schema.schema');
  });
});
