import OpenAI from 'openai';
import { AnthropicStandIn, messageReply } from './support/anthropic-stand-in.js';
import { startGateway, type Gateway } from './support/gateway.js';
import { useGateway } from './support/lifecycle.js';
import { runAgentConversation, totalBilled } from './support/agent-conversation.js';

/*
 * Automatic prompt caching, on by default. The stand-in meters usage as the
 * Messages API does (reads and writes against a prefix cache) when asked.
 */

const MODEL = 'claude-sonnet-5-5';
/** Long enough to be cached (the minimum is 1,024 tokens). */
const SYSTEM = `You are a careful assistant. ${'Follow the house rules. '.repeat(400)}`;
const create = (gw: Gateway, body: Record<string, unknown>) =>
  gw.openai.chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content: 'hi' }],
    ...body,
  } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);

describe('automatic prompt caching (PROMPT_CACHE=auto, the default)', () => {
  const ctx = useGateway();

  it('asks for it on every request, and reports cache writes and reads in usage', async () => {
    ctx.standIn.meterUsage = true;
    const conversation: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'First question?' },
    ];
    const first = await create(ctx.gw, { messages: conversation, prompt_cache_key: 'session-1' });
    expect(ctx.standIn.last.body.cache_control).toEqual({ type: 'ephemeral' });
    const written = first.usage!.prompt_tokens_details as { cached_tokens: number; cache_write_tokens: number };
    expect(written.cached_tokens).toBe(0);
    expect(written.cache_write_tokens).toBeGreaterThan(1024);

    conversation.push({ role: 'assistant', content: first.choices[0].message.content }, { role: 'user', content: 'Second?' });
    const second = await create(ctx.gw, { messages: conversation, prompt_cache_key: 'session-1' });
    const read = second.usage!.prompt_tokens_details as { cached_tokens: number; cache_write_tokens: number };
    expect(read.cached_tokens).toBe(written.cache_write_tokens);
    expect(second.usage!.prompt_tokens).toBeGreaterThan(read.cached_tokens);
  });

  it('leaves it to the client’s own breakpoints with prompt_cache_options.mode "explicit"', async () => {
    await create(ctx.gw, {
      prompt_cache_options: { mode: 'explicit' },
      messages: [
        { role: 'system', content: [{ type: 'text', text: SYSTEM, prompt_cache_breakpoint: { mode: 'explicit' } }] },
        { role: 'user', content: 'hi' },
      ],
    });
    expect(ctx.standIn.last.body.cache_control).toBeUndefined();
    expect(ctx.standIn.last.body.system).toEqual([{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } }]);
  });

  it('puts a part’s prompt_cache_breakpoint on its block, beside the automatic one', async () => {
    await create(ctx.gw, {
      messages: [{ role: 'user', content: [{ type: 'text', text: 'doc', prompt_cache_breakpoint: { mode: 'explicit' } }, { type: 'text', text: 'q' }] }],
    });
    expect(ctx.standIn.last.body.messages[0].content).toEqual([
      { type: 'text', text: 'doc', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'q' },
    ]);
    expect(ctx.standIn.last.body.cache_control).toEqual({ type: 'ephemeral' });
  });

  it('refuses more breakpoints than the API takes, naming the part', async () => {
    const part = { type: 'text', text: 'x', prompt_cache_breakpoint: { mode: 'explicit' } };
    const error = await create(ctx.gw, { messages: [{ role: 'user', content: [part, part, part, part, part] }] }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.param).toBe('messages[0].content[4].prompt_cache_breakpoint');
  });
});

describe('PROMPT_CACHE=off and PROMPT_CACHE_TTL=1h', () => {
  let standIn: AnthropicStandIn;
  beforeAll(async () => {
    standIn = await AnthropicStandIn.start();
  });
  afterAll(() => standIn.close());

  it('off: no top-level cache_control, and the client’s breakpoints still count', async () => {
    const gw = await startGateway(standIn, { PROMPT_CACHE: 'off' });
    try {
      standIn.reply(messageReply({ text: 'ok' }));
      await create(gw, { messages: [{ role: 'user', content: [{ type: 'text', text: 'doc', prompt_cache_breakpoint: { mode: 'explicit' } }] }] });
      expect(standIn.last.body.cache_control).toBeUndefined();
      expect(standIn.last.body.messages[0].content[0].cache_control).toEqual({ type: 'ephemeral' });
    } finally {
      await gw.close();
    }
  });

  it('1h: every breakpoint asks for the one-hour TTL', async () => {
    const gw = await startGateway(standIn, { PROMPT_CACHE_TTL: '1h' });
    try {
      await create(gw, {
        messages: [{ role: 'user', content: [{ type: 'text', text: 'doc', prompt_cache_breakpoint: { mode: 'explicit' } }] }],
      });
      expect(standIn.last.body.cache_control).toEqual({ type: 'ephemeral', ttl: '1h' });
      expect(standIn.last.body.messages[0].content[0].cache_control).toEqual({ type: 'ephemeral', ttl: '1h' });
    } finally {
      await gw.close();
    }
  });

  it('rejects other values at start-up', async () => {
    await expect(startGateway(standIn, { PROMPT_CACHE: 'sometimes' })).rejects.toThrow(/PROMPT_CACHE/);
  });
});

describe('a 20-turn agent conversation (the figure `npm run bench:cache` prints)', () => {
  let standIn: AnthropicStandIn;
  beforeAll(async () => {
    standIn = await AnthropicStandIn.start();
  });
  afterAll(() => standIn.close());

  const billed = async (mode: 'auto' | 'off') => {
    standIn.reset();
    standIn.meterUsage = true;
    const gw = await startGateway(standIn, { PROMPT_CACHE: mode });
    try {
      return totalBilled(await runAgentConversation(gw.openai, standIn, 'claude-sonnet-5-5'));
    } finally {
      await gw.close();
    }
  };

  it('bills a fraction of the input tokens with automatic caching', async () => {
    const withCache = await billed('auto');
    const without = await billed('off');
    console.log(`20-turn agent conversation, billed input tokens: PROMPT_CACHE=off ${without}, PROMPT_CACHE=auto ${withCache}`);
    expect(withCache).toBeLessThan(without * 0.3);
  }, 60_000);
});
