import OpenAI from 'openai';
import { useGateway } from './support/lifecycle.js';

/*
 * System and developer messages written mid-conversation stay where they were
 * written on the models that take `role: "system"` inside `messages` (the
 * stand-in refuses it elsewhere, and anywhere but right after a user turn, as
 * the API does); elsewhere they are hoisted into `system`.
 */

const ctx = useGateway();
const LONG = `Project context. ${'The codebase follows these conventions. '.repeat(300)}`;
const conversation = (note?: OpenAI.ChatCompletionMessageParam): OpenAI.ChatCompletionMessageParam[] => [
  { role: 'system', content: LONG },
  { role: 'user', content: 'Refactor the parser.' },
  { role: 'assistant', content: 'Done: the parser is split in two.' },
  { role: 'user', content: 'Now the tests.' },
  ...(note ? [note] : []),
];
const create = (model: string, messages: OpenAI.ChatCompletionMessageParam[]) =>
  ctx.gw.openai.chat.completions.create({ model, messages });

describe('system turns where they were written', () => {
  it('Claude Opus 4.8: a developer note after a user turn goes in place as role "system"; the leading one stays top-level', async () => {
    await create('claude-opus-4-8', conversation({ role: 'developer', content: 'Use TypeScript strict mode.' }));
    const body = ctx.standIn.last.body;
    expect(body.system).toEqual([{ type: 'text', text: LONG }]);
    expect(body.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'user', 'system']);
    expect(body.messages[3]).toEqual({ role: 'system', content: [{ type: 'text', text: 'Use TypeScript strict mode.' }] });
  });

  it('a note after an assistant turn cannot go in place: it is hoisted', async () => {
    await create('claude-opus-4-8', [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'more' },
    ]);
    expect(ctx.standIn.last.body.system).toEqual([{ type: 'text', text: 'Be brief.' }]);
    expect(ctx.standIn.last.body.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'user']);
  });

  it.each(['claude-opus-4-7', 'claude-sonnet-4-6', 'claude-haiku-4-5-20251001'])('%s: hoisted, as before', async (model) => {
    await create(model, conversation({ role: 'system', content: 'Use TypeScript strict mode.' }));
    expect(ctx.standIn.last.body.system).toEqual([
      { type: 'text', text: LONG },
      { type: 'text', text: 'Use TypeScript strict mode.' },
    ]);
  });

  it('in place, the note leaves the cached prefix of the earlier turns alone; hoisted, it does not', async () => {
    ctx.standIn.meterUsage = true;
    const cachedAfterNote = async (model: string) => {
      await create(model, conversation());
      const answer = await create(model, conversation({ role: 'system', content: 'Use TypeScript strict mode.' }));
      return (answer.usage!.prompt_tokens_details as { cached_tokens: number }).cached_tokens;
    };
    expect(await cachedAfterNote('claude-opus-4-8')).toBeGreaterThan(1024);
    expect(await cachedAfterNote('claude-opus-4-7')).toBe(0);
  });
});
