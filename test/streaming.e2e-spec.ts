import { createOpenAI } from '@ai-sdk/openai';
import { jsonSchema, stepCountIs, streamText, tool } from 'ai';
import OpenAI from 'openai';
import { errorReply, streamSteps, type SseStep } from './support/anthropic-stand-in.js';
import { useGateway } from './support/lifecycle.js';
import { readAfterPause } from './support/raw-http.js';

const ctx = useGateway({ STREAM_HEARTBEAT_SECONDS: '1' });
const MODEL = 'claude-sonnet-5-5';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const streamCreate = (body: Partial<OpenAI.ChatCompletionCreateParamsStreaming> = {}) =>
  ctx.gw.openai.chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content: 'Hi' }],
    stream: true,
    ...body,
  } as OpenAI.ChatCompletionCreateParamsStreaming);

/** The raw SSE body as the gateway wrote it, with its headers. */
async function rawStream(body: object): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(`${ctx.gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }], stream: true, ...body }),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const dataLines = (text: string) =>
  text
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice(6));

const PARALLEL_TOOLS = {
  text: 'Let me check both.',
  toolUses: [
    { id: 'toolu_paris', name: 'get_weather', input: { city: 'Paris', opts: { units: ['C', 'F'], deep: { a: [1, { b: null }] } } } },
    { id: 'toolu_rome', name: 'get_weather', input: { city: 'Rome "Roma"', note: 'line1\nline2\\end' } },
  ],
};

describe('streaming wire format', () => {
  it('sends text/event-stream with the right headers, role first, one id, finish chunk, then [DONE]', async () => {
    ctx.standIn.reply({ kind: 'sse', steps: streamSteps({ text: 'Hello, world!' }, { fragment: 4 }) });
    const { status, headers, text } = await rawStream({});
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(headers.get('cache-control')).toBe('no-cache');
    expect(headers.get('x-accel-buffering')).toBe('no');
    expect(headers.get('content-encoding')).toBeNull();
    expect(headers.get('x-upstream-request-id')).toMatch(/^req_/);

    const lines = dataLines(text);
    expect(lines[lines.length - 1]).toBe('[DONE]');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    const chunks = lines.slice(0, -1).map((l) => JSON.parse(l));
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(new Set(chunks.map((c) => c.created)).size).toBe(1);
    for (const c of chunks) expect(c).toMatchObject({ object: 'chat.completion.chunk', model: MODEL });
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.slice(1, -1).map((c) => c.choices[0].delta.content)).toEqual(['Hell', 'o, w', 'orld', '!']);
    expect(chunks[chunks.length - 1].choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' });
    expect(ctx.standIn.last.body.stream).toBe(true);
  });

  it('include_usage adds one usage chunk with empty choices before [DONE], usage null before', async () => {
    ctx.standIn.reply({
      kind: 'sse',
      steps: streamSteps({ text: 'ok', usage: { input_tokens: 100, output_tokens: 9, cache_read_input_tokens: 50, cache_creation_input_tokens: 5 } }),
    });
    const lines = dataLines((await rawStream({ stream_options: { include_usage: true } })).text);
    const chunks = lines.slice(0, -1).map((l) => JSON.parse(l));
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({
      prompt_tokens: 155,
      completion_tokens: 9,
      total_tokens: 164,
      prompt_tokens_details: { cached_tokens: 50, cache_write_tokens: 5 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    for (const c of chunks.slice(0, -1)) expect(c.usage).toBeNull();
  });
});

describe('streaming through the openai client', () => {
  it('for await yields the text, Unicode intact', async () => {
    const text = 'Émojis 👩‍💻🚀, CJK 漢字かなカナ, "quotes", back\\slash, new\nline, tab\t.';
    ctx.standIn.reply({ kind: 'sse', steps: streamSteps({ text }, { fragment: 2 }) });
    let received = '';
    let finish: string | null = null;
    for await (const chunk of await streamCreate()) {
      received += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(received).toBe(text);
    expect(finish).toBe('stop');
  });

  it('stream().finalChatCompletion() assembles parallel tool calls with nested JSON arguments', async () => {
    ctx.standIn.reply({ kind: 'sse', steps: streamSteps(PARALLEL_TOOLS, { fragment: 5 }) });
    const runner = ctx.gw.openai.chat.completions.stream({
      model: MODEL,
      messages: [{ role: 'user', content: 'Weather in Paris and Rome?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
    });
    const final = await runner.finalChatCompletion();
    const message = final.choices[0].message;
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    expect(message.content).toBe('Let me check both.');
    expect(message.tool_calls?.map((c) => c.type === 'function' && [c.id, c.function.name, JSON.parse(c.function.arguments)])).toEqual([
      ['toolu_paris', 'get_weather', PARALLEL_TOOLS.toolUses[0].input],
      ['toolu_rome', 'get_weather', PARALLEL_TOOLS.toolUses[1].input],
    ]);
  });

  it('numbers tool calls 0..n regardless of Anthropic block indexes', async () => {
    ctx.standIn.reply({ kind: 'sse', steps: streamSteps(PARALLEL_TOOLS, { fragment: 5 }) });
    const indexes = new Set<number>();
    for await (const chunk of await streamCreate()) {
      for (const call of chunk.choices[0]?.delta?.tool_calls ?? []) indexes.add(call.index);
    }
    expect([...indexes]).toEqual([0, 1]);
  });

  it('a pre-stream 429 keeps its status, body and retry-after (no 200 stream)', async () => {
    ctx.standIn.reply(errorReply(429, 'rate_limit_error', 'Number of requests has exceeded your rate limit', { 'retry-after': '13' }));
    const error = await streamCreate().catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.headers.get('retry-after')).toBe('13');
    expect(error.error).toMatchObject({ type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit' });
  });

  it('a mid-stream error event raises in the client and never sends [DONE]', async () => {
    const steps: SseStep[] = streamSteps({ text: 'partial answer' }, { fragment: 3 }).slice(0, 5);
    steps.push({ event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } });
    ctx.standIn.reply({ kind: 'sse', steps });
    let received = '';
    const error = await (async () => {
      for await (const chunk of await streamCreate()) received += chunk.choices[0]?.delta?.content ?? '';
    })().catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.message).toMatch(/Overloaded/);
    expect(received.length).toBeGreaterThan(0);

    ctx.standIn.reply({ kind: 'sse', steps });
    const { text } = await rawStream({});
    const lines = dataLines(text);
    expect(lines).not.toContain('[DONE]');
    expect(JSON.parse(lines[lines.length - 1])).toEqual({
      error: { message: 'Overloaded', type: 'overloaded_error', param: null, code: 'overloaded' },
    });
  });

  it('a connection broken mid-stream ends with an error event, not success', async () => {
    const steps: SseStep[] = [...streamSteps({ text: 'partial answer' }).slice(0, 5), { destroy: true }];
    ctx.standIn.reply({ kind: 'sse', steps });
    const { text } = await rawStream({});
    const lines = dataLines(text);
    expect(lines).not.toContain('[DONE]');
    expect(JSON.parse(lines[lines.length - 1]).error).toMatchObject({ type: 'api_connection_error', code: 'upstream_connection_broken' });

    ctx.standIn.reply({ kind: 'sse', steps });
    await expect(
      (async () => {
        for await (const _ of await streamCreate());
      })(),
    ).rejects.toBeInstanceOf(OpenAI.APIError);
  });

  it('a stream that ends without message_stop is reported, not finished quietly', async () => {
    ctx.standIn.reply({ kind: 'sse', steps: streamSteps({ text: 'cut short' }).slice(0, -2) });
    const lines = dataLines((await rawStream({})).text);
    expect(lines).not.toContain('[DONE]');
    expect(JSON.parse(lines[lines.length - 1]).error.code).toBe('upstream_stream_incomplete');
  });

  it('20 concurrent mixed streams each get their own answer', async () => {
    ctx.standIn.setDefault((req) => {
      const n = Number(/#(\d+)/.exec(JSON.stringify(req.body.messages))?.[1]);
      const spec = n % 2 ? { text: `answer #${n}` } : { toolUses: [{ name: 'f', input: { n, list: [n, n] } }] };
      return { kind: 'sse', steps: streamSteps(spec, { fragment: 2, gapMs: 2 }) };
    });
    const results = await Promise.all(
      Array.from({ length: 20 }, async (_, n) => {
        const final = await ctx.gw.openai.chat.completions
          .stream({ model: MODEL, messages: [{ role: 'user', content: `request #${n}` }], tools: [{ type: 'function', function: { name: 'f' } }] })
          .finalChatCompletion();
        return final.choices[0].message;
      }),
    );
    results.forEach((message, n) => {
      if (n % 2) expect(message.content).toBe(`answer #${n}`);
      else expect(JSON.parse((message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall).function.arguments)).toEqual({ n, list: [n, n] });
    });
  });
});

describe('streaming lifecycle', () => {
  it('a client that goes away closes the upstream connection long before upstream would finish', async () => {
    const steps: SseStep[] = streamSteps({ text: 'x'.repeat(400) }, { fragment: 1, gapMs: 20 });
    ctx.standIn.reply({ kind: 'sse', steps });
    const stream = await streamCreate();
    let chunks = 0;
    const abortedAt = await (async () => {
      for await (const _ of stream) {
        if (++chunks === 5) {
          const at = Date.now();
          stream.controller.abort();
          return at;
        }
      }
      return Date.now();
    })().catch(() => Date.now());
    const upstream = ctx.standIn.last;
    // Upstream has some 8 s (400 deltas 20 ms apart) still to send: a close within 3 s is
    // the abort's doing, with room for a busy machine (a 1 s bound was not).
    for (const end = Date.now() + 3000; upstream.closedAt === undefined && Date.now() < end; ) await sleep(10);
    expect(upstream.closedEarly).toBe(true);
    expect(upstream.closedAt! - abortedAt).toBeLessThan(3000);
  });

  it('sends SSE comment heartbeats during long silences', async () => {
    const steps = streamSteps({ text: 'slow' });
    // Three and a half heartbeat periods of silence: a timer late by a whole period on a busy machine still fires.
    ctx.standIn.reply({ kind: 'sse', steps: [...steps.slice(0, 2), { wait: 3500 }, ...steps.slice(2)] });
    const { text } = await rawStream({});
    expect(text).toContain(': keep-alive\n\n');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('honours back-pressure: while the client does not read, upstream is not drained either', async () => {
    // 30 MB: more than every socket and stream buffer between the two ends can hold;
    // in 300 events rather than 1,500, since per-event work is what costs time on a busy machine.
    const piece = 'y'.repeat(100_000);
    ctx.standIn.reply({ kind: 'sse', steps: streamSteps({ text: piece.repeat(300) }, { fragment: 100_000 }) });
    const body = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'x' }], stream: true });
    const { text, resumedAt } = await readAfterPause(ctx.gw.url, '/v1/chat/completions', body);
    expect(ctx.standIn.last.finishedAt).toBeGreaterThanOrEqual(resumedAt);
    const lines = dataLines(text);
    expect(lines[lines.length - 1]).toBe('[DONE]');
    expect(lines.length).toBe(300 + 3);
    // 30 MB through two HTTP hops: more than 5 s on a loaded machine.
  }, 60_000);
});

describe('streaming through other clients', () => {
  it('Vercel AI SDK streamText with a tool', async () => {
    ctx.standIn.reply(
      { kind: 'sse', steps: streamSteps({ toolUses: [{ id: 'toolu_w', name: 'weather', input: { city: 'Oslo' } }] }, { fragment: 4 }) },
      { kind: 'sse', steps: streamSteps({ text: 'It is 3°C in Oslo.' }, { fragment: 4 }) },
    );
    const provider = createOpenAI({ baseURL: `${ctx.gw.url}/v1`, apiKey: 'unused' });
    const calls: unknown[] = [];
    const result = streamText({
      model: provider.chat(MODEL),
      prompt: 'Weather in Oslo?',
      stopWhen: stepCountIs(2),
      tools: {
        weather: tool({
          description: 'Weather for a city',
          inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
          execute: async (input) => {
            calls.push(input);
            return { tempC: 3 };
          },
        }),
      },
    });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(calls).toEqual([{ city: 'Oslo' }]);
    expect(text).toBe('It is 3°C in Oslo.');
    // The second request carried the tool result back as a tool_result block.
    const second = ctx.standIn.requests[1].body.messages;
    expect(second[second.length - 1].content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_w' });
  });
});
