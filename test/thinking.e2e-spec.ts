import { createOpenAI } from '@ai-sdk/openai';
import { jsonSchema, stepCountIs, streamText, tool } from 'ai';
import OpenAI from 'openai';
import { AnthropicStandIn, messageReply, redactedData, signThinking } from './support/anthropic-stand-in.js';
import { startGateway, type Gateway } from './support/gateway.js';
import { useGateway } from './support/lifecycle.js';

/*
 * A tool loop with thinking on, as an agent runs it through the official
 * openai client. The stand-in enforces what the Messages API enforces: the
 * answer that called the tool must come back starting with its signed thinking
 * block, byte for byte.
 */

const MODEL = 'claude-sonnet-5-5';
const THOUGHT = 'The user wants the weather in Paris; I should call get_weather.';
const TOOLS: OpenAI.ChatCompletionTool[] = [
  {
    type: 'function',
    function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  },
];
const QUESTION: OpenAI.ChatCompletionMessageParam = { role: 'user', content: 'Weather in Paris?' };

function answerWithToolCall(standIn: AnthropicStandIn) {
  standIn.reply(
    messageReply({ thinking: THOUGHT, toolUses: [{ id: 'toolu_paris', name: 'get_weather', input: { city: 'Paris' } }] }),
    messageReply({ text: 'It is 18°C in Paris.' }),
  );
}

/** The next request of the loop, from a client that keeps only OpenAI's own fields (as most do). */
function nextTurn(message: OpenAI.ChatCompletionMessage): OpenAI.ChatCompletionMessageParam[] {
  const call = message.tool_calls![0];
  return [
    QUESTION,
    { role: 'assistant', content: message.content, tool_calls: message.tool_calls },
    { role: 'tool', tool_call_id: call.id, content: '18°C' },
  ];
}

/** The loop's second turn: the tool's result sent back after `first`'s call. */
const continueLoop = (gw: { openai: OpenAI }, first: OpenAI.ChatCompletion, effort: OpenAI.ReasoningEffort = 'high') =>
  gw.openai.chat.completions.create({ model: MODEL, messages: nextTurn(first.choices[0].message), tools: TOOLS, reasoning_effort: effort });

const signedThought = { type: 'thinking', thinking: THOUGHT, signature: signThinking(THOUGHT) };

describe('thinking in a tool loop, client drops unknown fields', () => {
  const ctx = useGateway();

  it('sends the signed thinking block back first in the turn that called the tool, from the gateway cache', async () => {
    answerWithToolCall(ctx.standIn);
    const first = await ctx.gw.openai.chat.completions.create({ model: MODEL, messages: [QUESTION], tools: TOOLS, reasoning_effort: 'high' });
    expect(first.choices[0].message).toMatchObject({ reasoning_content: THOUGHT, tool_calls: [{ id: 'toolu_paris' }] });
    expect(ctx.standIn.requests[0].body).toMatchObject({
      thinking: { type: 'adaptive', display: 'summarized' },
      output_config: { effort: 'high' },
    });

    const second = await continueLoop(ctx.gw, first);
    expect(second.choices[0].message.content).toBe('It is 18°C in Paris.');
    const sent = ctx.standIn.requests[1].body;
    expect(sent.thinking).toEqual({ type: 'adaptive', display: 'summarized' });
    expect(sent.messages[1].content[0]).toEqual(signedThought);
    expect(sent.messages[1].content[1]).toMatchObject({ type: 'tool_use', id: 'toolu_paris' });
  });

  it('replays a redacted thinking block as it came', async () => {
    ctx.standIn.reply(
      messageReply({ redactedThinking: 'r1', toolUses: [{ id: 'toolu_r', name: 'get_weather', input: { city: 'Paris' } }] }),
      messageReply({ text: 'ok' }),
    );
    const first = await ctx.gw.openai.chat.completions.create({ model: MODEL, messages: [QUESTION], tools: TOOLS, reasoning_effort: 'low' });
    await continueLoop(ctx.gw, first, 'low');
    expect(ctx.standIn.requests[1].body.messages[1].content[0]).toEqual({ type: 'redacted_thinking', data: redactedData('r1') });
  });

  it('does the same when the first answer was streamed', async () => {
    answerWithToolCall(ctx.standIn);
    const stream = await ctx.gw.openai.chat.completions.create({
      model: MODEL,
      messages: [QUESTION],
      tools: TOOLS,
      reasoning_effort: 'medium',
      stream: true,
    });
    let reasoning = '';
    const calls: OpenAI.ChatCompletionMessageFunctionToolCall[] = [];
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { reasoning_content?: string } & OpenAI.ChatCompletionChunk.Choice.Delta;
      reasoning += delta?.reasoning_content ?? '';
      for (const call of delta?.tool_calls ?? []) {
        if (call.id) calls.push({ id: call.id, type: 'function', function: { name: call.function!.name!, arguments: '' } });
        calls[call.index].function.arguments += call.function?.arguments ?? '';
      }
    }
    expect(reasoning).toBe(THOUGHT);
    await ctx.gw.openai.chat.completions.create({
      model: MODEL,
      messages: nextTurn({ role: 'assistant', content: null, refusal: null, tool_calls: calls }),
      tools: TOOLS,
      reasoning_effort: 'medium',
    });
    expect(ctx.standIn.requests[1].body.messages[1].content[0]).toEqual(signedThought);
  });
});

describe('thinking in a tool loop through the Vercel AI SDK, which keeps no thinking blocks', () => {
  const ctx = useGateway();

  it('runs the loop to its answer, the second request carrying the signed block from the gateway cache', async () => {
    answerWithToolCall(ctx.standIn);
    const provider = createOpenAI({ baseURL: `${ctx.gw.url}/v1`, apiKey: 'unused' });
    const result = streamText({
      model: provider.chat(MODEL),
      prompt: 'Weather in Paris?',
      stopWhen: stepCountIs(2),
      providerOptions: { openai: { reasoningEffort: 'high' } },
      tools: {
        get_weather: tool({
          inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
          execute: async () => ({ tempC: 18 }),
        }),
      },
    });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe('It is 18°C in Paris.');
    expect(ctx.standIn.requests[1].body.thinking).toEqual({ type: 'adaptive', display: 'summarized' });
    expect(ctx.standIn.requests[1].body.messages[1].content[0]).toEqual(signedThought);
  });
});

describe('thinking in a tool loop without the gateway cache (THINKING_CACHE_ENTRIES=0)', () => {
  const ctx = useGateway({ THINKING_CACHE_ENTRIES: '0' });

  /**
   * One loop through a client that keeps `field` of the answer and sends it
   * back on the assistant turn; returns what the gateway emitted in `field`.
   */
  async function loopCarrying(field: 'reasoning_details' | 'thinking_blocks'): Promise<unknown> {
    answerWithToolCall(ctx.standIn);
    const first = await ctx.gw.openai.chat.completions.create({ model: MODEL, messages: [QUESTION], tools: TOOLS, reasoning_effort: 'high' });
    const message = first.choices[0].message as OpenAI.ChatCompletionMessage & Record<typeof field, unknown>;
    const [question, assistant, result] = nextTurn(message);
    await ctx.gw.openai.chat.completions.create({
      model: MODEL,
      messages: [question, { ...assistant, [field]: message[field] } as unknown as OpenAI.ChatCompletionMessageParam, result],
      tools: TOOLS,
      reasoning_effort: 'high',
    });
    return message[field];
  }

  it('takes the blocks back from OpenRouter-style reasoning_details, which it also emits', async () => {
    expect(await loopCarrying('reasoning_details')).toEqual([
      { type: 'reasoning.text', text: THOUGHT, signature: signThinking(THOUGHT), format: 'anthropic-claude-v1', index: 0 },
    ]);
    expect(ctx.standIn.requests[1].body.messages[1].content[0]).toEqual(signedThought);
    expect(ctx.standIn.requests[1].body.thinking).toEqual({ type: 'adaptive', display: 'summarized' });
  });

  it('takes the blocks back from LiteLLM-style thinking_blocks, which it also emits', async () => {
    expect(await loopCarrying('thinking_blocks')).toEqual([signedThought]);
    expect(ctx.standIn.requests[1].body.messages[1].content[0]).toEqual(signedThought);
  });

  it('without the block anywhere, continues the loop without thinking for that turn instead of a 400', async () => {
    answerWithToolCall(ctx.standIn);
    const first = await ctx.gw.openai.chat.completions.create({ model: MODEL, messages: [QUESTION], tools: TOOLS, reasoning_effort: 'high' });
    const second = await continueLoop(ctx.gw, first);
    expect(second.choices[0].message.content).toBe('It is 18°C in Paris.');
    expect(ctx.standIn.requests[1].body.thinking).toEqual({ type: 'between_tools' });
    expect(ctx.standIn.requests[1].body.messages[1].content[0]).toMatchObject({ type: 'tool_use' });
  });

  it('a tampered signature is upstream’s 400, passed on, not hidden', async () => {
    ctx.standIn.reply(messageReply({ text: 'unused' }));
    const error = await ctx.gw.openai.chat.completions
      .create({
        model: MODEL,
        reasoning_effort: 'high',
        tools: TOOLS,
        messages: [
          QUESTION,
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'toolu_paris', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
            thinking_blocks: [{ ...signedThought, thinking: `${THOUGHT} (edited)` }],
          } as OpenAI.ChatCompletionMessageParam,
          { role: 'tool', tool_call_id: 'toolu_paris', content: '18°C' },
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toMatch(/Invalid `signature`/);
  });
});

describe('reasoning_effort on its whole scale', () => {
  let standIn: AnthropicStandIn;
  let gw: Gateway;
  beforeAll(async () => {
    standIn = await AnthropicStandIn.start();
    gw = await startGateway(standIn);
  });
  afterAll(async () => {
    await gw.close();
    await standIn.close();
  });

  it.each([
    ['claude-opus-4-8', 'none', { thinking: { type: 'disabled' } }],
    ['claude-opus-5-5', 'none', { output_config: { effort: 'low' } }],
    ['claude-sonnet-5-5', 'minimal', { thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort: 'low' } }],
    ['claude-opus-5-5', 'xhigh', { thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort: 'xhigh' } }],
    ['claude-fable-5-2', 'max', { thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort: 'max' } }],
    ['claude-haiku-4-5-20251001', 'medium', { thinking: { type: 'enabled', budget_tokens: 8192 } }],
  ] as const)('%s, %s', async (model, effort, expected) => {
    await gw.openai.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'hi' }],
      reasoning_effort: effort as OpenAI.ReasoningEffort,
    });
    expect(standIn.last.body).toMatchObject(expected);
    if (!('thinking' in expected)) expect(standIn.last.body.thinking).toBeUndefined();
  });
});
