import type OpenAI from 'openai';
import { messageReply, type AnthropicStandIn } from './anthropic-stand-in.js';

/**
 * A 20-turn coding-agent conversation, as an agent sends it: a long system
 * prompt, three tools, and per turn the model's tool call and the tool's
 * result appended to the history. Each request reports usage in OpenAI's
 * shape; the input tokens it bills follow from it at the prompt caching
 * prices (cache reads 0.1×, 5-minute writes 1.25× the input price).
 */

export const AGENT_TURNS = 20;

const SYSTEM = [
  'You are a coding agent working in a TypeScript repository.',
  ...Array.from({ length: 60 }, (_, i) => `Rule ${i + 1}: keep changes small, tested, and explained in the commit message; never touch generated files.`),
].join('\n');

const TOOLS: OpenAI.ChatCompletionTool[] = ['read_file', 'run_tests', 'write_file'].map((name) => ({
  type: 'function',
  function: {
    name,
    description: `${name.replace('_', ' ')} in the workspace`,
    parameters: { type: 'object', properties: { path: { type: 'string' }, content: { type: 'string' } }, required: ['path'] },
  },
}));

const fileBody = (turn: number) =>
  Array.from({ length: 40 }, (_, line) => `export const value${turn}_${line} = compute(${turn}, ${line}); // line ${line}`).join('\n');

export interface TurnUsage {
  prompt: number;
  cacheRead: number;
  cacheWrite: number;
  /** Input tokens billed, in units of the base input price. */
  billed: number;
}

export async function runAgentConversation(openai: OpenAI, standIn: AnthropicStandIn, model: string): Promise<TurnUsage[]> {
  const messages: OpenAI.ChatCompletionMessageParam[] = [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: 'Rename `compute` to `evaluate` across the project and keep the tests green.' },
  ];
  const usage: TurnUsage[] = [];
  for (let turn = 1; turn <= AGENT_TURNS; turn++) {
    const last = turn === AGENT_TURNS;
    standIn.reply(
      messageReply(
        last
          ? { text: 'Done: renamed everywhere, tests pass.' }
          : { text: `Step ${turn}.`, toolUses: [{ id: `toolu_turn${turn}`, name: 'read_file', input: { path: `src/file${turn}.ts` } }] },
      ),
    );
    const answer = await openai.chat.completions.create({ model, messages, tools: TOOLS });
    const u = answer.usage!;
    const details = u.prompt_tokens_details as { cached_tokens: number; cache_write_tokens: number };
    const input = u.prompt_tokens - details.cached_tokens - details.cache_write_tokens;
    usage.push({
      prompt: u.prompt_tokens,
      cacheRead: details.cached_tokens,
      cacheWrite: details.cache_write_tokens,
      billed: input + 1.25 * details.cache_write_tokens + 0.1 * details.cached_tokens,
    });
    const message = answer.choices[0].message;
    messages.push({ role: 'assistant', content: message.content, tool_calls: message.tool_calls });
    for (const call of message.tool_calls ?? []) messages.push({ role: 'tool', tool_call_id: call.id, content: fileBody(turn) });
  }
  return usage;
}

export const totalBilled = (usage: readonly TurnUsage[]) => Math.round(usage.reduce((sum, u) => sum + u.billed, 0));
