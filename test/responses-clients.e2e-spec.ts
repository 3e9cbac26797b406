import { createOpenAI } from '@ai-sdk/openai';
import { Agent, run, setDefaultOpenAIClient, setTracingDisabled, tool as agentTool } from '@openai/agents';
import { generateObject, generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';
import OpenAI from 'openai';
import { messageReply } from './support/anthropic-stand-in.js';
import { useGateway } from './support/lifecycle.js';

/**
 * The clients whose default path is POST /v1/responses, unchanged: the
 * Vercel AI SDK's `openai(model)` and the OpenAI Agents SDK's default model.
 */
const ctx = useGateway();
const MODEL = 'claude-sonnet-5-5';
const cityParams = {
  type: 'object' as const,
  properties: { city: { type: 'string' as const } },
  required: ['city'],
  additionalProperties: false as const,
};

/** What the SDK sent the gateway, to see which Responses features it relied on. */
const sent: any[] = [];
const provider = () =>
  createOpenAI({
    baseURL: `${ctx.gw.url}/v1`,
    apiKey: 'unused',
    fetch: async (url, init) => {
      if (typeof init?.body === 'string') sent.push(JSON.parse(init.body));
      return fetch(url, init);
    },
  });
beforeEach(() => (sent.length = 0));
const weather = (calls: unknown[]) =>
  tool({
    description: 'Weather for a city',
    inputSchema: jsonSchema<{ city: string }>(cityParams),
    execute: async (input) => {
      calls.push(input);
      return { tempC: 3 };
    },
  });

describe('Vercel AI SDK, default openai(model) provider (Responses API)', () => {
  it('generateText runs a tool over two steps; the second step refers to stored items', async () => {
    ctx.standIn.reply(
      messageReply({ text: 'Let me check.', toolUses: [{ id: 'toolu_ai1', name: 'weather', input: { city: 'Oslo' } }] }),
      messageReply({ text: 'It is 3°C in Oslo.' }),
    );
    const calls: unknown[] = [];
    const result = await generateText({
      model: provider()(MODEL),
      prompt: 'Weather in Oslo?',
      stopWhen: stepCountIs(2),
      tools: { weather: weather(calls) },
    });
    expect(calls).toEqual([{ city: 'Oslo' }]);
    expect(result.text).toBe('It is 3°C in Oslo.');
    expect(result.steps).toHaveLength(2);
    expect(ctx.standIn.requests.every((r) => r.path === '/v1/messages')).toBe(true);
    // With store on (the SDK's default), the assistant text came back as an item_reference the store resolved.
    expect(sent[1].input).toContainEqual({ type: 'item_reference', id: expect.stringMatching(/^msg_/) });
    expect(ctx.standIn.requests[1].body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Oslo?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_use', id: 'toolu_ai1', name: 'weather', input: { city: 'Oslo' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_ai1', content: '{"tempC":3}' }] },
    ]);
  });

  it('streamText streams text deltas and reports usage and the finish reason', async () => {
    ctx.standIn.reply(messageReply({ text: 'One, two, three.', usage: { input_tokens: 9, output_tokens: 4 } }, { fragment: 3 }));
    const result = streamText({ model: provider()(MODEL), prompt: 'Count to three.' });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas.join('')).toBe('One, two, three.');
    expect(deltas.length).toBeGreaterThan(1);
    expect(await result.finishReason).toBe('stop');
    expect(await result.usage).toMatchObject({ inputTokens: 9, outputTokens: 4 });
    expect(ctx.standIn.last.body.stream).toBe(true);
  });

  it('generateObject sends the schema as output_config.format and parses the answer', async () => {
    ctx.standIn.reply(messageReply({ text: '{"city":"Oslo","tempC":3}' }));
    const schema = {
      type: 'object' as const,
      properties: { city: { type: 'string' as const }, tempC: { type: 'number' as const } },
      required: ['city', 'tempC'],
      additionalProperties: false,
    };
    const { object } = await generateObject({ model: provider()(MODEL), schema: jsonSchema<{ city: string; tempC: number }>(schema), prompt: 'Weather?' });
    expect(object).toEqual({ city: 'Oslo', tempC: 3 });
    expect(ctx.standIn.last.body.output_config).toEqual({ format: { type: 'json_schema', schema } });
  });
});

describe('OpenAI Agents SDK, default model (Responses API)', () => {
  beforeAll(() => setTracingDisabled(true));

  it('runs an agent with one tool to its final output', async () => {
    ctx.standIn.reply(
      messageReply({ toolUses: [{ id: 'toolu_ag1', name: 'get_weather', input: { city: 'Rome' } }] }),
      messageReply({ text: 'Rome: sunny, 21°C.' }),
    );
    setDefaultOpenAIClient(new OpenAI({ baseURL: `${ctx.gw.url}/v1`, apiKey: 'unused', maxRetries: 0 }) as never);
    const calls: unknown[] = [];
    const agent = new Agent({
      name: 'Weather',
      instructions: 'Answer with the weather.',
      tools: [
        agentTool({
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: cityParams,
          strict: true,
          execute: async (input) => {
            calls.push(input);
            return 'sunny, 21°C';
          },
        }),
      ],
    });
    const result = await run(agent, 'Weather in Rome?');
    expect(result.finalOutput).toBe('Rome: sunny, 21°C.');
    expect(calls).toEqual([{ city: 'Rome' }]);
    expect(ctx.standIn.requests).toHaveLength(2);
    expect(ctx.standIn.requests[0].body.system).toEqual([{ type: 'text', text: 'Answer with the weather.' }]);
    const second = ctx.standIn.requests[1].body.messages;
    expect(second[second.length - 1].content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_ag1', content: 'sunny, 21°C' });
  });
});
