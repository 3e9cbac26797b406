import { gzipSync } from 'node:zlib';
import OpenAI from 'openai';
import { AnthropicStandIn, errorReply, messageReply, streamSteps } from './support/anthropic-stand-in.js';
import { METRIC } from '../src/observability/metrics/gateway-metrics.js';
import type { MemoryStore } from '../src/store/memory-store.js';
import { StateStore } from '../src/store/state-store.js';
import { startGateway, TEST_API_KEY } from './support/gateway.js';
import { Scrape } from './support/metrics.js';
import { useGateway } from './support/lifecycle.js';

const ctx = useGateway();
const MODEL = 'claude-sonnet-5-5';
const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

/** POST /v1/responses with a raw body: status, headers and JSON. */
async function post(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${ctx.gw.url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as any };
}

describe('POST /v1/responses through the openai client', () => {
  it('answers a string input with a completed response, the model as sent and full usage', async () => {
    ctx.standIn.reply(
      messageReply({
        text: 'Hello there.',
        usage: { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 3, cache_read_input_tokens: 20 },
      }),
    );
    const { data, response } = await ctx.gw.openai.responses
      .create({ model: MODEL, input: 'Hi', instructions: 'Be brief.', max_output_tokens: 64, store: false })
      .withResponse();

    expect(data).toMatchObject({
      object: 'response',
      status: 'completed',
      model: MODEL,
      incomplete_details: null,
      error: null,
      output: [{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hello there.', annotations: [] }] }],
      usage: {
        input_tokens: 33,
        input_tokens_details: { cached_tokens: 20 },
        output_tokens: 5,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 38,
      },
    });
    expect(data.id).toMatch(/^resp_/);
    expect(data.output_text).toBe('Hello there.');
    expect(response.headers.get('x-upstream-request-id')).toMatch(/^req_/);
    expect(ctx.standIn.last.body).toEqual({
      model: MODEL,
      max_tokens: 64,
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      // The chat translation's automatic prompt caching applies to Responses requests as well.
      cache_control: { type: 'ephemeral' },
      // A small non-streaming answer is asked for in one piece, as for chat completions.
      stream: false,
    });
  });

  it('streams the Responses event sequence with increasing sequence numbers and named SSE events', async () => {
    ctx.standIn.reply(messageReply({ text: 'Streaming works.' }, { fragment: 4 }));
    const stream = ctx.gw.openai.responses.stream({ model: MODEL, input: [{ role: 'user', content: 'Go' }] });
    const events: Array<{ type: string; sequence_number: number }> = [];
    for await (const event of stream) events.push(event);
    const final = await stream.finalResponse();

    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...Array(4).fill('response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(final.output_text).toBe('Streaming works.');

    // On the wire: `event:` lines name each event, and no `[DONE]`.
    ctx.standIn.reply(messageReply({ text: 'ok' }));
    const raw = await fetch(`${ctx.gw.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, input: 'x', stream: true }),
    });
    const text = await raw.text();
    expect(raw.headers.get('content-type')).toMatch(/text\/event-stream/);
    expect(text).toMatch(/^event: response\.created\ndata: \{"type":"response\.created","sequence_number":0,/);
    expect(text).not.toContain('[DONE]');
  });

  it('runs a two-step tool loop over a stream with previous_response_id, tool results after their calls', async () => {
    ctx.standIn.reply(
      messageReply({ text: 'Checking.', toolUses: [{ id: 'toolu_w1', name: 'get_weather', input: { city: 'Oslo' } }] }),
      messageReply({ text: 'It is 3°C in Oslo.' }),
    );
    const first = ctx.gw.openai.responses.stream({ model: MODEL, input: 'Weather in Oslo?', tools: [weatherTool] });
    const argumentDeltas: string[] = [];
    first.on('response.function_call_arguments.delta', (e) => argumentDeltas.push(e.delta));
    const step1 = await first.finalResponse();
    const call = step1.output.find((item) => item.type === 'function_call')!;
    expect(call).toMatchObject({ type: 'function_call', call_id: 'toolu_w1', name: 'get_weather', arguments: '{"city":"Oslo"}', status: 'completed' });
    expect(argumentDeltas.join('')).toBe('{"city":"Oslo"}');
    expect(ctx.standIn.last.body.tools).toEqual([
      { name: 'get_weather', description: 'Weather for a city', input_schema: weatherTool.parameters, strict: true },
    ]);

    const step2 = await ctx.gw.openai.responses
      .stream({
        model: MODEL,
        previous_response_id: step1.id,
        input: [{ type: 'function_call_output', call_id: 'toolu_w1', output: '{"temp_c":3}' }],
        tools: [weatherTool],
      })
      .finalResponse();
    expect(step2.output_text).toBe('It is 3°C in Oslo.');
    expect(step2.previous_response_id).toBe(step1.id);
    expect(ctx.standIn.last.body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Oslo?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_w1', name: 'get_weather', input: { city: 'Oslo' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_w1', content: '{"temp_c":3}' }] },
    ]);
  });

  it('round-trips signed thinking through encrypted_content for a stateless (store: false) tool loop', async () => {
    const thinking = 'The user wants weather; call the tool.';
    ctx.standIn.reply(
      messageReply({ thinking, toolUses: [{ id: 'toolu_t1', name: 'get_weather', input: { city: 'Rome' } }] }),
      messageReply({ text: 'Sunny.' }),
    );
    const step1 = await ctx.gw.openai.responses.create({
      model: MODEL,
      input: 'Weather in Rome?',
      tools: [weatherTool],
      store: false,
      include: ['reasoning.encrypted_content'],
      reasoning: { effort: 'high', summary: 'auto' },
    });
    const reasoning = step1.output.find((item) => item.type === 'reasoning')!;
    expect(reasoning).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: thinking }] });
    expect(reasoning.encrypted_content).toEqual(expect.any(String));
    expect(step1.usage?.output_tokens_details.reasoning_tokens).toBe(0);

    const step2 = await ctx.gw.openai.responses.create({
      model: MODEL,
      store: false,
      include: ['reasoning.encrypted_content'],
      tools: [weatherTool],
      input: [
        { role: 'user', content: 'Weather in Rome?' },
        ...(step1.output as OpenAI.Responses.ResponseInputItem[]),
        { type: 'function_call_output', call_id: 'toolu_t1', output: 'sunny' },
      ],
    });
    expect(step2.output_text).toBe('Sunny.');
    // The stand-in refuses a thinking block whose signature does not match its text byte for byte.
    expect(ctx.standIn.last.body.messages[1].content[0]).toMatchObject({ type: 'thinking', thinking });

    // Without `include`, the client never sees the blocks, and a store:false response cannot be continued.
    ctx.standIn.reply(messageReply({ thinking: 'hmm', text: 'x' }));
    const hidden = await ctx.gw.openai.responses.create({ model: MODEL, input: 'x', store: false });
    expect(hidden.output[0]).not.toHaveProperty('encrypted_content');
    await expect(ctx.gw.openai.responses.retrieve(hidden.id)).rejects.toMatchObject({ status: 404 });
  });

  it('completes reasoning items sent back without encrypted_content from the store, as the Agents SDK resends them', async () => {
    const thinking = 'Call the tool first.';
    ctx.standIn.reply(
      messageReply({ thinking, toolUses: [{ id: 'toolu_s1', name: 'get_weather', input: { city: 'Bern' } }] }),
      messageReply({ text: 'Cold.' }),
    );
    const step1 = await ctx.gw.openai.responses.create({ model: MODEL, input: 'Weather in Bern?', tools: [weatherTool] });
    expect(step1.output[0]).not.toHaveProperty('encrypted_content');
    await ctx.gw.openai.responses.create({
      model: MODEL,
      tools: [weatherTool],
      input: [
        { role: 'user', content: 'Weather in Bern?' },
        ...(step1.output as OpenAI.Responses.ResponseInputItem[]),
        { type: 'function_call_output', call_id: 'toolu_s1', output: '-2°C' },
      ],
    });
    expect(ctx.standIn.last.body.messages[1].content[0]).toMatchObject({ type: 'thinking', thinking });
  });

  it('keeps thinking by tool-call id (shared with chat) for a client that stores nothing and asks for no encrypted content', async () => {
    const thinking = 'Use the tool.';
    ctx.standIn.reply(
      messageReply({ thinking, toolUses: [{ id: 'toolu_c1', name: 'get_weather', input: { city: 'Oslo' } }] }),
      messageReply({ text: 'Done.' }),
    );
    const step1 = await ctx.gw.openai.responses.create({ model: MODEL, input: 'Weather?', tools: [weatherTool], store: false, reasoning: { effort: 'high' } });
    const call = step1.output.find((item) => item.type === 'function_call')!;
    await ctx.gw.openai.responses.create({
      model: MODEL,
      store: false,
      reasoning: { effort: 'high' },
      tools: [weatherTool],
      input: [{ role: 'user', content: 'Weather?' }, call as OpenAI.Responses.ResponseInputItem, { type: 'function_call_output', call_id: 'toolu_c1', output: '3' }],
    });
    // The stand-in, like the API, refuses a tool loop with thinking on whose opening turn lacks its thinking.
    expect(ctx.standIn.last.body.messages[1].content[0]).toMatchObject({ type: 'thinking', thinking });
  });

  it('names the client\'s field when upstream refuses a block of the translated request', async () => {
    ctx.standIn.reply(errorReply(400, 'invalid_request_error', 'messages.1.content.0.input: Input should be a valid dictionary'));
    const res = await post({
      model: MODEL,
      input: [
        { role: 'user', content: 'x' },
        { type: 'function_call', call_id: 'c9', name: 'f', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c9', output: 'r' },
      ],
      tools: [{ type: 'function', name: 'f' }],
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ param: 'input[1].input', message: 'input[1].input: Input should be a valid dictionary' });
  });

  it('stores a response before response.completed goes out, so a client can continue from it at once', async () => {
    // Upstream keeps the connection open a while after message_stop, as a slow network would.
    ctx.standIn.reply({ kind: 'sse', steps: [...streamSteps({ text: 'First.' }), { wait: 1500 }] }, messageReply({ text: 'Second.' }));
    const stream = ctx.gw.openai.responses.stream({ model: MODEL, input: 'one' });
    let followUp: Promise<OpenAI.Responses.Response> | undefined;
    for await (const event of stream) {
      if (event.type === 'response.completed') {
        followUp = ctx.gw.openai.responses.create({ model: MODEL, previous_response_id: event.response.id, input: 'two' });
        break;
      }
    }
    expect((await followUp!).output_text).toBe('Second.');
  });

  it('keeps stored responses for GET and DELETE, then answers 404 previous_response_not_found', async () => {
    ctx.standIn.reply(messageReply({ text: 'Remember me.' }));
    const created = await ctx.gw.openai.responses.create({ model: MODEL, input: 'hi' });
    const fetched = await ctx.gw.openai.responses.retrieve(created.id);
    expect(fetched).toMatchObject({ id: created.id, status: 'completed', output_text: 'Remember me.' });

    await ctx.gw.openai.responses.delete(created.id);
    const error = await ctx.gw.openai.responses.create({ model: MODEL, input: 'again', previous_response_id: created.id }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error.error).toMatchObject({ code: 'previous_response_not_found', param: 'previous_response_id', type: 'invalid_request_error' });
    await expect(ctx.gw.openai.responses.retrieve(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('returns signed thinking on GET when the SDK asks with include (sent as include[]=…)', async () => {
    ctx.standIn.reply(messageReply({ thinking: 'Kept for later.', text: 'Done.' }));
    const created = await ctx.gw.openai.responses.create({ model: MODEL, input: 'hi' });
    const plain = await ctx.gw.openai.responses.retrieve(created.id);
    expect(plain.output[0]).not.toHaveProperty('encrypted_content');
    const full = await ctx.gw.openai.responses.retrieve(created.id, { include: ['reasoning.encrypted_content'] });
    expect(full.output[0]).toMatchObject({ type: 'reasoning', encrypted_content: expect.any(String) });
  });

  it('resolves item_reference from the store, as the Vercel AI SDK sends with store: true', async () => {
    ctx.standIn.reply(messageReply({ text: 'First answer.' }), messageReply({ text: 'Second.' }));
    const first = await ctx.gw.openai.responses.create({ model: MODEL, input: 'one' });
    await ctx.gw.openai.responses.create({
      model: MODEL,
      input: [{ role: 'user', content: 'one' }, { type: 'item_reference', id: first.output[0].id! }, { role: 'user', content: 'two' }],
    });
    expect(ctx.standIn.last.body.messages[1]).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'First answer.' }] });
  });

  it('counts a stored response from the request\'s length, a compressed request\'s and borrowed items\' by measuring them', async () => {
    const store = ctx.gw.app.get(StateStore) as MemoryStore;
    const stored = async (body: Buffer | string, headers: Record<string, string> = {}) => {
      const before = store.usage.turnBytes;
      const res = await fetch(`${ctx.gw.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      const json = (await res.json()) as { id: string; output: Array<{ id: string }> };
      expect(res.status).toBe(200);
      return { grew: store.usage.turnBytes - before, json };
    };
    const answer = 'A'.repeat(3000);
    const body = JSON.stringify({ model: MODEL, instructions: 'I'.repeat(20_000), input: 'Hi' });
    ctx.standIn.reply(messageReply({ text: answer }), messageReply({ text: answer }), messageReply({ text: 'ok' }));
    // As sent: its length, and the answer.
    const plain = await stored(body);
    expect(plain.grew).toBeGreaterThanOrEqual(body.length + answer.length);
    expect(plain.grew).toBeLessThan(body.length + answer.length + 2000);
    // Compressed, its header says far less than was parsed (and echoed back): what is kept is measured instead.
    const gzipped = await stored(gzipSync(body), { 'content-encoding': 'gzip' });
    expect(gzipped.grew).toBeGreaterThanOrEqual(body.length + answer.length);
    // An item_reference brings a stored answer into this entry, beyond the request's own bytes.
    const ref = JSON.stringify({ model: MODEL, input: [{ type: 'item_reference', id: plain.json.output[0].id }, { role: 'user', content: 'More.' }] });
    expect((await stored(ref)).grew).toBeGreaterThanOrEqual(ref.length + answer.length);
  });

  it('takes web_search and namespace groups: server search upstream, flat names there, the client names back', async () => {
    ctx.standIn.reply(
      messageReply({
        webSearch: { query: 'nestjs 12 release', url: 'https://example.com/nest', title: 'Nest' },
        text: 'Listing.',
        toolUses: [{ id: 'toolu_ns', name: 'fs__list', input: { path: '/' } }],
      }),
    );
    const { data, response } = await ctx.gw.openai.responses
      .create({
        model: MODEL,
        input: 'Search, then list files.',
        tools: [
          { type: 'web_search' },
          { type: 'namespace', name: 'fs', description: 'Files', tools: [{ type: 'function', name: 'list', parameters: { type: 'object', properties: {} } }] },
          { type: 'file_search', vector_store_ids: ['vs_1'] },
          { type: 'code_interpreter', container: { type: 'auto' } },
        ] as OpenAI.Responses.Tool[],
      })
      .withResponse();
    expect(ctx.standIn.last.body.tools).toEqual([
      { name: 'fs__list', input_schema: { type: 'object', properties: {} } },
      { type: 'web_search_20250305', name: 'web_search' },
    ]);
    expect(response.headers.get('x-gateway-omitted-tools')).toBe('file_search, code_interpreter');
    expect(ctx.gw.logs.text).toContain('left out tools Claude has no function for: file_search, code_interpreter');
    expect(data.output.map((item) => item.type)).toEqual(['web_search_call', 'message', 'function_call']);
    expect(data.output[0]).toMatchObject({ status: 'completed', action: { type: 'search', query: 'nestjs 12 release' } });
    expect(data.output[1]).toMatchObject({
      content: [{ text: 'Listing.', annotations: [{ type: 'url_citation', url: 'https://example.com/nest', title: 'Nest', start_index: 0, end_index: 8 }] }],
    });
    expect(data.output[2]).toMatchObject({ name: 'list', namespace: 'fs', call_id: 'toolu_ns' });

    // The namespaced call goes back under its flat name, answered in the next turn.
    ctx.standIn.reply(messageReply({ text: 'Done.' }));
    await ctx.gw.openai.responses.create({
      model: MODEL,
      previous_response_id: data.id,
      input: [{ type: 'function_call_output', call_id: 'toolu_ns', output: 'a.txt' }],
      tools: [{ type: 'namespace', name: 'fs', description: 'Files', tools: [{ type: 'function', name: 'list' }] }] as OpenAI.Responses.Tool[],
    });
    const replayed = ctx.standIn.last.body.messages[1].content;
    expect(replayed.find((b: any) => b.type === 'tool_use')).toEqual({ type: 'tool_use', id: 'toolu_ns', name: 'fs__list', input: { path: '/' } });
  });

  it('runs a custom (freeform) tool such as Codex\'s apply_patch: custom_tool_call out, custom_tool_call_output back', async () => {
    const patch = '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch';
    ctx.standIn.reply(
      messageReply({ toolUses: [{ id: 'toolu_ap', name: 'apply_patch', input: { input: patch } }] }),
      messageReply({ text: 'Patched.' }),
    );
    const applyPatch = { type: 'custom', name: 'apply_patch', description: 'Edit files.', format: { type: 'grammar', syntax: 'lark', definition: 'start: /.+/s' } };
    const step1 = await ctx.gw.openai.responses.create({ model: MODEL, input: 'Add a.txt', tools: [applyPatch] as OpenAI.Responses.Tool[], store: false });
    expect(step1.output).toEqual([expect.objectContaining({ type: 'custom_tool_call', call_id: 'toolu_ap', name: 'apply_patch', input: patch })]);
    expect(ctx.standIn.last.body.tools[0].input_schema.properties.input.description).toContain('start: /.+/s');

    const step2 = await ctx.gw.openai.responses.create({
      model: MODEL,
      store: false,
      tools: [applyPatch] as OpenAI.Responses.Tool[],
      input: [
        { role: 'user', content: 'Add a.txt' },
        ...(step1.output as OpenAI.Responses.ResponseInputItem[]),
        { type: 'custom_tool_call_output', call_id: 'toolu_ap', output: 'Done!' },
      ],
    });
    expect(step2.output_text).toBe('Patched.');
    expect(ctx.standIn.last.body.messages.slice(1)).toEqual([
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_ap', name: 'apply_patch', input: { input: patch } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_ap', content: 'Done!' }] },
    ]);
  });

  it('leaves other built-in tools out, named in a header and a log warning', async () => {
    ctx.standIn.reply(messageReply({ text: 'ok' }));
    const res = await post({ model: MODEL, input: 'x', tools: [{ type: 'computer_use_preview', display_width: 1, display_height: 1, environment: 'linux' }] });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-gateway-omitted-tools')).toBe('computer_use_preview');
    expect(ctx.standIn.last.body.tools).toBeUndefined();
  });

  it.each([
    [{ background: true }, 'background'],
    [{ tools: [{ type: 'file_search', vector_store_ids: ['v'] }], tool_choice: { type: 'file_search' } }, 'tool_choice'],
    [{ tool_choice: { type: 'function', name: 'nope' } }, 'tool_choice'],
    [{ input: [{ role: 'robot', content: 'x' }] }, 'input[0].role'],
    [{ input: [{ type: 'function_call', call_id: 'c', name: 'f' }] }, 'input[0].arguments'],
    [{ text: { format: { type: 'json_schema', name: 'x' } } }, 'text.format.schema'],
    // A type Claude has no tool for is named back in a header: it must be a name, not header-breaking text.
    [{ tools: [{ type: 'evil\r\nset-cookie: a=b' }] }, 'tools[0].type'],
    [{ tools: [{ type: '検索' }], stream: true }, 'tools[0].type'],
  ])('answers 400 naming the field for %j', async (patch, param) => {
    const res = await post({ model: MODEL, input: 'x', ...patch });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ type: 'invalid_request_error', param });
    expect(ctx.standIn.requests).toHaveLength(0);
  });

  it('wants JSON on POST (415 otherwise) and answers an unknown id with a 404 in OpenAI\'s shape', async () => {
    const form = await fetch(`${ctx.gw.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'model=m&input=x',
    });
    expect(form.status).toBe(415);
    const missing = await fetch(`${ctx.gw.url}/v1/responses/resp_unknown`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { message: expect.stringContaining("'resp_unknown' not found"), type: 'invalid_request_error', param: null, code: 'response_not_found' },
    });
    const gone = await fetch(`${ctx.gw.url}/v1/responses/resp_unknown`, { method: 'DELETE' });
    expect(gone.status).toBe(404);
  });

  it('passes upstream errors before the first byte with their status, and fails in-band after it', async () => {
    ctx.standIn.reply(errorReply(429, 'rate_limit_error', 'Slow down.', { 'retry-after': '7' }));
    const early = await post({ model: MODEL, input: 'x', stream: true });
    expect(early.status).toBe(429);
    expect(early.json.error).toMatchObject({ message: 'Slow down.', code: 'rate_limit_exceeded' });
    expect(early.headers.get('retry-after')).toBe('7');

    const steps = streamSteps({ text: 'Partial answer here' }, { fragment: 5 });
    ctx.standIn.reply({
      kind: 'sse',
      steps: [...steps.slice(0, 5), { event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } }],
    });
    const events: string[] = [];
    const failure = await (async () => {
      for await (const event of ctx.gw.openai.responses.stream({ model: MODEL, input: 'x' })) events.push(event.type);
    })().catch((e) => e);
    expect(events).toContain('response.output_text.delta');
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(failure.message).toContain('Overloaded');
  });
});

describe('/v1/responses in the metrics', () => {
  it('counts non-streaming and streaming responses under their own route, with their tokens', async () => {
    const before = await Scrape.from(ctx.gw.url);
    const usage = { input_tokens: 11, output_tokens: 5 };
    ctx.standIn.reply(messageReply({ text: 'one', usage }), messageReply({ text: 'two', usage }));
    await ctx.gw.openai.responses.create({ model: MODEL, input: 'hi', store: false });
    await ctx.gw.openai.responses.stream({ model: MODEL, input: 'hi', store: false }).finalResponse();
    const labels = { route: '/v1/responses', model: MODEL, status: '200' };
    let after = before;
    for (let i = 0; i < 200 && Scrape.delta(before, after, METRIC.requests, { ...labels, stream: 'true' }) < 1; i++) {
      await new Promise((r) => setTimeout(r, 25));
      after = await Scrape.from(ctx.gw.url);
    }
    expect(Scrape.delta(before, after, METRIC.requests, { ...labels, stream: 'false' })).toBe(1);
    expect(Scrape.delta(before, after, METRIC.requests, { ...labels, stream: 'true' })).toBe(1);
    expect(Scrape.delta(before, after, METRIC.tokens, { model: MODEL, type: 'output' })).toBe(10);
  }, 30_000);
});

describe('secrets never leave /v1/responses', () => {
  it('not in error bodies, in-band stream errors, response.failed or any log line', async () => {
    const texts: string[] = [];
    ctx.standIn.reply(errorReply(500, 'api_error', `internal error near ${TEST_API_KEY}`));
    texts.push(JSON.stringify((await post({ model: MODEL, input: 'x' })).json));
    ctx.standIn.reply({
      kind: 'sse',
      steps: [
        ...streamSteps({ text: 'partial' }).slice(0, 4),
        { event: 'error', data: { type: 'error', error: { type: 'api_error', message: `boom ${TEST_API_KEY}` } } },
      ],
    });
    const res = await fetch(`${ctx.gw.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, input: 'x', stream: true }),
    });
    const stream = await res.text();
    texts.push(stream, JSON.stringify([...res.headers]));
    expect(stream).toContain('event: response.failed');
    expect(stream).toMatch(/boom sk-ant-\*\*\*/);
    const everything = texts.join('\n') + ctx.gw.logs.text;
    expect(everything).not.toContain(TEST_API_KEY);
    expect(everything).not.toContain(TEST_API_KEY.slice(-16));
  });
});

describe('RESPONSES_WEB_SEARCH=off', () => {
  it('leaves web_search out like any built-in tool, and refuses a tool_choice forcing it', async () => {
    const standIn = await AnthropicStandIn.start();
    const gw = await startGateway(standIn, { RESPONSES_WEB_SEARCH: 'off' });
    try {
      const { response } = await gw.openai.responses.create({ model: MODEL, input: 'x', tools: [{ type: 'web_search' }] }).withResponse();
      expect(response.headers.get('x-gateway-omitted-tools')).toBe('web_search');
      expect(standIn.last.body.tools).toBeUndefined();
      const forced = await gw.openai.responses
        .create({ model: MODEL, input: 'x', tools: [{ type: 'web_search' }], tool_choice: { type: 'web_search' } as never })
        .catch((e) => e);
      expect(forced).toBeInstanceOf(OpenAI.BadRequestError);
      expect(forced.error.param).toBe('tool_choice');
    } finally {
      await gw.close();
      await standIn.close();
    }
  });
});

describe('JSON mode (text.format json_object)', () => {
  const fenced = '```json\n{"answer": 42, "note": "ok"}\n```';

  it('takes a Markdown fence around the answer off, as chat completions do', async () => {
    ctx.standIn.reply(messageReply({ text: fenced }, { fragment: 4 }));
    const response = await ctx.gw.openai.responses.create({ model: MODEL, input: 'JSON please', text: { format: { type: 'json_object' } }, store: false });
    expect(JSON.parse(response.output_text)).toEqual({ answer: 42, note: 'ok' });
    expect(response.output_text).toBe('{"answer": 42, "note": "ok"}');
  });

  it('streamed: the deltas and the done text carry no fence either', async () => {
    ctx.standIn.reply(messageReply({ text: fenced }, { fragment: 4 }));
    const stream = await ctx.gw.openai.responses.create({
      model: MODEL,
      input: 'JSON please',
      text: { format: { type: 'json_object' } },
      store: false,
      stream: true,
    });
    let deltas = '';
    let done = '';
    let completed = '';
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') deltas += event.delta;
      if (event.type === 'response.output_text.done') done = event.text;
      if (event.type === 'response.completed') completed = JSON.stringify(event.response.output);
    }
    expect(deltas).toBe('{"answer": 42, "note": "ok"}');
    expect(done).toBe(deltas);
    expect(JSON.parse(completed)).toEqual([expect.objectContaining({ content: [expect.objectContaining({ text: deltas })] })]);
  });

  it('leaves the fence alone without JSON mode', async () => {
    ctx.standIn.reply(messageReply({ text: fenced }));
    const response = await ctx.gw.openai.responses.create({ model: MODEL, input: 'q', store: false });
    expect(response.output_text).toBe(fenced);
  });
});
