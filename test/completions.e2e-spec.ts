import OpenAI from 'openai';
import { AnthropicStandIn, errorReply, messageReply, streamSteps } from './support/anthropic-stand-in.js';
import { startGateway, TEST_API_KEY } from './support/gateway.js';
import { useGateway } from './support/lifecycle.js';

const ctx = useGateway();
const MODEL = 'claude-sonnet-5-5';
const create = (body: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming>) =>
  ctx.gw.openai.chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content: 'Hi' }],
    ...body,
  } as OpenAI.ChatCompletionCreateParamsNonStreaming);

describe('chat completions (non-streaming) through the openai client', () => {
  it('answers in the chat.completion shape with the model as sent and full usage', async () => {
    ctx.standIn.reply(
      messageReply({
        text: 'Hello there.',
        model: 'claude-sonnet-5-5-20260928',
        usage: { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 3, cache_read_input_tokens: 20 },
      }),
    );
    const { data, response } = await create({}).withResponse();

    expect(data).toMatchObject({
      object: 'chat.completion',
      model: MODEL,
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Hello there.', refusal: null }, finish_reason: 'stop', logprobs: null },
      ],
      usage: {
        prompt_tokens: 33,
        completion_tokens: 5,
        total_tokens: 38,
        prompt_tokens_details: { cached_tokens: 20 },
      },
    });
    expect(data.id).toMatch(/^chatcmpl-msg_/);
    expect(Math.abs(data.created - Date.now() / 1000)).toBeLessThan(5);
    expect(response.headers.get('x-upstream-request-id')).toMatch(/^req_/);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);

    const sent = ctx.standIn.last;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe(TEST_API_KEY);
    expect(sent.headers.authorization).toBeUndefined();
    // Upstream is always asked to stream, also for a non-streaming client.
    expect(sent.body).toEqual({
      model: MODEL,
      max_tokens: 128000,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      // Automatic prompt caching, on by default (PROMPT_CACHE=auto).
      cache_control: { type: 'ephemeral' },
      stream: true,
    });
  });

  it('moves system and developer messages to `system` in order and merges consecutive turns (models without mid-conversation system)', async () => {
    await create({
      model: 'claude-sonnet-4-6',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'one' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: [{ type: 'text', text: 'two' }] },
        { role: 'assistant', content: 'un' },
        { role: 'assistant', content: 'deux' },
        { role: 'user', content: 'three' },
      ],
    });
    expect(ctx.standIn.last.body.system).toEqual([
      { type: 'text', text: 'You are terse.' },
      { type: 'text', text: 'Answer in French.' },
    ]);
    expect(ctx.standIn.last.body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'un' }, { type: 'text', text: 'deux' }] },
      { role: 'user', content: [{ type: 'text', text: 'three' }] },
    ]);
  });

  it('maps images: data: URLs to base64 blocks, http(s) URLs to url sources', async () => {
    await create({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
          ],
        },
      ],
    });
    expect(ctx.standIn.last.body.messages[0].content).toEqual([
      { type: 'text', text: 'What is in these?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ]);
  });

  it('rejects an image type Claude cannot read, naming the part', async () => {
    const error = await create({
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/bmp;base64,Qk0=' } }] }],
    }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.param).toBe('messages[0].content[0].image_url.url');
    expect(error.message).toMatch(/image\/bmp/);
    expect(ctx.standIn.requests).toHaveLength(0);
  });

  it('maps tools, tool_choice and parallel_tool_calls', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
      { type: 'function', function: { name: 'now' } },
    ];
    const cases: Array<[OpenAI.ChatCompletionToolChoiceOption | undefined, boolean | undefined, unknown]> = [
      ['auto', undefined, { type: 'auto' }],
      ['none', undefined, { type: 'none' }],
      ['required', undefined, { type: 'any' }],
      [{ type: 'function', function: { name: 'now' } }, undefined, { type: 'tool', name: 'now' }],
      ['required', false, { type: 'any', disable_parallel_tool_use: true }],
      [undefined, false, { type: 'auto', disable_parallel_tool_use: true }],
      [undefined, undefined, undefined],
    ];
    for (const [tool_choice, parallel_tool_calls, expected] of cases) {
      await create({ tools, tool_choice, parallel_tool_calls });
      expect(ctx.standIn.last.body.tool_choice).toEqual(expected);
    }
    expect(ctx.standIn.last.body.tools).toEqual([
      {
        name: 'get_weather',
        description: 'Weather for a city',
        input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
      { name: 'now', input_schema: { type: 'object', properties: {} } },
    ]);
  });

  it('returns tool calls with JSON-string arguments, null content and finish_reason tool_calls', async () => {
    ctx.standIn.reply(
      messageReply({
        toolUses: [
          { id: 'toolu_01', name: 'get_weather', input: { city: 'Paris', units: { temp: 'C' } } },
          { id: 'toolu_02', name: 'now', input: {} },
        ],
      }),
    );
    const completion = await create({ tools: [{ type: 'function', function: { name: 'get_weather' } }] });
    const choice = completion.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([
      { id: 'toolu_01', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","units":{"temp":"C"}}' } },
      { id: 'toolu_02', type: 'function', function: { name: 'now', arguments: '{}' } },
    ]);
  });

  it('sends assistant tool calls as tool_use and tool results first in one user turn', async () => {
    await create({
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_b', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_a', content: '18C' },
        { role: 'tool', tool_call_id: 'call_b', content: [{ type: 'text', text: '22C' }] },
        { role: 'user', content: 'Thanks, and which is warmer?' },
      ],
    });
    expect(ctx.standIn.last.body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'call_a', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_b', name: 'get_weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_a', content: '18C' },
          { type: 'tool_result', tool_use_id: 'call_b', content: [{ type: 'text', text: '22C' }] },
          { type: 'text', text: 'Thanks, and which is warmer?' },
        ],
      },
    ]);
  });

  it('rejects unparsable tool-call arguments with a 400 naming the message', async () => {
    const error = await create({
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'ok' },
      ],
    }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.param).toBe('messages[1].tool_calls[0].function.arguments');
    expect(error.message).toMatch(/messages\[1\]\.tool_calls\[0\]\.function\.arguments is not valid JSON/);
    expect(ctx.standIn.requests).toHaveLength(0);
  });

  describe('max_tokens', () => {
    it.each([
      [{ max_completion_tokens: 100, max_tokens: 50 }, MODEL, 100],
      [{ max_tokens: 50 }, MODEL, 50],
      [{}, 'claude-opus-5-5', 128000],
      [{}, 'claude-haiku-4-5-20251001', 64000],
      [{}, 'claude-sonnet-4-5', 64000],
    ])('%j with %s → %d', async (limits, model, expected) => {
      await create({ model, ...limits });
      expect(ctx.standIn.last.body.max_tokens).toBe(expected);
    });

    it('passes a 64k budget through for a non-streaming client', async () => {
      const completion = await create({ max_completion_tokens: 64000 });
      expect(completion.choices[0].message.content).toBe('Hello from the stand-in.');
      expect(ctx.standIn.last.body.max_tokens).toBe(64000);
    });
  });

  it('maps stop, user and response_format; does not forward sampling parameters', async () => {
    await create({ stop: 'END', user: 'user-42', temperature: 1.7, top_p: 0.5 });
    expect(ctx.standIn.last.body).toMatchObject({ stop_sequences: ['END'], metadata: { user_id: 'user-42' } });
    expect(ctx.standIn.last.body).not.toHaveProperty('temperature');
    expect(ctx.standIn.last.body).not.toHaveProperty('top_p');

    await create({
      stop: ['a', 'b'],
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } },
    });
    expect(ctx.standIn.last.body.stop_sequences).toEqual(['a', 'b']);
    // Through the SDK's schema transform: objects closed, as structured outputs require.
    expect(ctx.standIn.last.body.output_config).toEqual({
      format: { type: 'json_schema', schema: { type: 'object', properties: {}, additionalProperties: false } },
    });
  });

  it.each([
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['stop_sequence', 'stop'],
    ['refusal', 'content_filter'],
    ['end_turn', 'stop'],
  ])('maps stop_reason %s to finish_reason %s', async (stopReason, finish) => {
    ctx.standIn.reply(messageReply({ text: 'x', stopReason }));
    expect((await create({})).choices[0].finish_reason).toBe(finish);
  });

  it('tolerates the extra fields OpenAI clients send', async () => {
    const completion = await create({
      store: false,
      seed: 7,
      metadata: { trace: 'abc' },
      logit_bias: { '50256': -100 },
      service_tier: 'auto',
      frequency_penalty: 0,
      presence_penalty: 0,
      logprobs: false,
      messages: [{ role: 'user', content: 'hi', name: 'alice' }],
    } as Partial<OpenAI.ChatCompletionCreateParamsNonStreaming>);
    expect(completion.choices[0].message.content).toBe('Hello from the stand-in.');
    const sent = ctx.standIn.last.body;
    for (const field of ['store', 'seed', 'metadata', 'logit_bias', 'service_tier', 'frequency_penalty']) {
      expect(sent).not.toHaveProperty(field);
    }
    expect(sent.messages[0]).not.toHaveProperty('name');
  });
});

describe('errors leave in OpenAI shape', () => {
  it.each([
    [429, 'rate_limit_error', OpenAI.RateLimitError],
    [400, 'invalid_request_error', OpenAI.BadRequestError],
    [401, 'authentication_error', OpenAI.AuthenticationError],
    [403, 'permission_error', OpenAI.PermissionDeniedError],
    [404, 'not_found_error', OpenAI.NotFoundError],
    [500, 'api_error', OpenAI.InternalServerError],
  ])('upstream %d keeps its status, type and message', async (status, type, ErrorClass) => {
    ctx.standIn.reply(errorReply(status, type, `upstream says ${status}`, { 'retry-after': '7' }));
    const error = await create({}).catch((e) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error.status).toBe(status);
    expect(error.error).toMatchObject({ message: `upstream says ${status}`, type });
    expect(error.headers.get('retry-after')).toBe('7');
    expect(error.headers.get('x-upstream-request-id')).toMatch(/^req_/);
    expect(error.headers.get('x-request-id')).not.toMatch(/^req_/);
  });

  it('turns 529 overloaded into 503 so every client and proxy retries it', async () => {
    ctx.standIn.reply(errorReply(529, 'overloaded_error', 'Overloaded'));
    const error = await create({}).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error.status).toBe(503);
    expect(error.error).toEqual({ message: 'Overloaded', type: 'overloaded_error', param: null, code: 'overloaded' });
  });

  it('answers 502 when the upstream connection breaks', async () => {
    ctx.standIn.reply({ kind: 'destroy' });
    const error = await create({}).catch((e) => e);
    expect(error.status).toBe(502);
    expect(error.error.type).toBe('api_connection_error');
  });

  it('rejects n > 1 instead of silently returning one choice', async () => {
    const error = await create({ n: 2 }).catch((e) => e);
    expect(error.status).toBe(400);
    expect(error.param).toBe('n');
  });
});

describe('DEFAULT_MAX_TOKENS', () => {
  it('overrides the per-model default, never an explicit client limit', async () => {
    const standIn = await AnthropicStandIn.start();
    const gw = await startGateway(standIn, { DEFAULT_MAX_TOKENS: '4096' });
    try {
      await gw.openai.chat.completions.create({ model: 'claude-opus-5-5', messages: [{ role: 'user', content: 'x' }] });
      expect(standIn.last.body.max_tokens).toBe(4096);
      await gw.openai.chat.completions.create({ model: 'claude-opus-5-5', max_tokens: 9000, messages: [{ role: 'user', content: 'x' }] });
      expect(standIn.last.body.max_tokens).toBe(9000);
    } finally {
      await gw.close();
      await standIn.close();
    }
  });
});

describe('long and stalled upstream answers', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  let standIn: AnthropicStandIn;
  let gw: Awaited<ReturnType<typeof startGateway>>;
  beforeAll(async () => {
    standIn = await AnthropicStandIn.start();
    gw = await startGateway(standIn, { UPSTREAM_TIMEOUT_MS: '1000' });
  });
  afterAll(async () => {
    await gw.close();
    await standIn.close();
  });

  it('a non-streaming answer that takes longer than UPSTREAM_TIMEOUT_MS still arrives whole', async () => {
    // 1.5 s of generation, in events: a non-streaming upstream call would have timed out at 1 s.
    standIn.reply({ kind: 'sse', steps: streamSteps({ text: 'slow but complete' }, { fragment: 1, gapMs: 90 }) });
    const completion = await gw.openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] });
    expect(completion.choices[0].message.content).toBe('slow but complete');
  });

  it('an upstream that does not answer within UPSTREAM_TIMEOUT_MS is a 504', async () => {
    standIn.reply(async (req) => {
      await sleep(1500);
      return messageReply({ text: 'too late' })(req);
    });
    const error = await gw.openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(error.status).toBe(504);
    expect(error.error).toMatchObject({ type: 'timeout', code: 'upstream_timeout' });
  });

  it('an upstream that goes silent in the middle of an answer is a 504, and is hung up on', async () => {
    const steps = streamSteps({ text: 'never finished' });
    // Upstream would resume after 8 s; the 1 s silence limit answers long before (generously, for a busy machine).
    standIn.reply({ kind: 'sse', steps: [...steps.slice(0, 3), { wait: 8000 }, ...steps.slice(3)] });
    const started = Date.now();
    const error = await gw.openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(error.status).toBe(504);
    expect(error.error).toMatchObject({ type: 'timeout', code: 'upstream_timeout' });
    expect(Date.now() - started).toBeLessThan(6000);
    for (let i = 0; i < 100 && standIn.last.closedAt === undefined; i++) await sleep(10);
    expect(standIn.last.closedEarly).toBe(true);
  });

  it('the same silence inside a stream ends it with an in-band timeout error', async () => {
    const steps = streamSteps({ text: 'never finished' });
    standIn.reply({ kind: 'sse', steps: [...steps.slice(0, 3), { wait: 3000 }, ...steps.slice(3)] });
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'x' }], stream: true }),
    });
    const events = (await res.text()).split('\n\n').filter((e) => e.startsWith('data: '));
    expect(events).not.toContain('data: [DONE]');
    expect(JSON.parse(events[events.length - 1].slice(6)).error).toMatchObject({ type: 'timeout', code: 'upstream_timeout' });
  });

  it('a non-streaming client that hangs up aborts the upstream request at once', async () => {
    standIn.reply({ kind: 'sse', steps: streamSteps({ text: 'x'.repeat(200) }, { fragment: 1, gapMs: 20 }) });
    const controller = new AbortController();
    const pending = gw.openai.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }, { signal: controller.signal })
      .catch((e) => e);
    while (standIn.requests.length === 0) await sleep(10);
    await sleep(100);
    const abortedAt = Date.now();
    controller.abort();
    await pending;
    const upstream = standIn.last;
    for (let i = 0; i < 100 && upstream.closedAt === undefined; i++) await sleep(10);
    expect(upstream.closedEarly).toBe(true);
    expect(upstream.closedAt! - abortedAt).toBeLessThan(1000);
    // A client leaving is not an upstream failure: nothing is logged as an error.
    await sleep(50);
    expect(gw.logs.text).not.toMatch(/502|upstream_stream_incomplete/);
  });
});
