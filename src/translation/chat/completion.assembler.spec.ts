import type Anthropic from '@anthropic-ai/sdk';
import { addChunk, assembledCompletion, createAssembly } from './completion.assembler.js';
import { createStreamState, eventToChunks } from './stream.mapper.js';
import { toUsage } from './usage.mapper.js';

type Event = Anthropic.RawMessageStreamEvent;

/** Runs events through the stream mapper and folds the chunks, as the non-streaming path does. */
function assemble(events: unknown[]) {
  const state = createStreamState('client-model', false, 1_700_000_000_500);
  const assembly = createAssembly();
  for (const event of events) for (const chunk of eventToChunks(state, event as Event)) addChunk(assembly, chunk);
  return assembledCompletion(assembly, state);
}

const start = { type: 'message_start', message: { id: 'msg_1', usage: { input_tokens: 3, output_tokens: 1 } } };
const stop = (stop_reason: string, output_tokens = 5) => ({ type: 'message_delta', delta: { stop_reason }, usage: { output_tokens } });
const text = (index: number, t: string) => ({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: t } });

describe('assembledCompletion', () => {
  it('builds the id, the created time and the client model name', () => {
    expect(assemble([start, stop('end_turn')])).toMatchObject({
      id: 'chatcmpl-msg_1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'client-model',
    });
  });

  it('joins text and reports thinking as reasoning_content', () => {
    const out = assemble([
      start,
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hm' } },
      text(1, 'a'),
      text(1, 'b'),
      stop('end_turn'),
    ]);
    expect(out.choices[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: 'ab', refusal: null, reasoning_content: 'hm' },
      logprobs: null,
      finish_reason: 'stop',
    });
  });

  it('gives empty content, not null, when there is neither text nor a tool call', () => {
    expect(assemble([start, stop('end_turn')]).choices[0].message.content).toBe('');
  });

  it('joins argument fragments per tool call, keeps text beside them, and gives {} to a call without arguments', () => {
    const out = assemble([
      start,
      text(0, 't'),
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'x', name: 'f', input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"a":' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '[1,2]}' } },
      { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'y', name: 'now', input: {} } },
      stop('tool_use'),
    ]);
    expect(out.choices[0].message.content).toBe('t');
    expect(out.choices[0].message.tool_calls).toEqual([
      { id: 'x', type: 'function', function: { name: 'f', arguments: '{"a":[1,2]}' } },
      { id: 'y', type: 'function', function: { name: 'now', arguments: '{}' } },
    ]);
    expect(out.choices[0].finish_reason).toBe('tool_calls');
  });

  it('gives null content when there are only tool calls', () => {
    const out = assemble([
      start,
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'x', name: 'f', input: {} } },
      stop('tool_use'),
    ]);
    expect(out.choices[0].message.content).toBeNull();
  });

  it('reports the final cumulative usage', () => {
    expect(assemble([start, stop('max_tokens', 42)]).usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 42, total_tokens: 45 });
  });
});

describe('toUsage', () => {
  it('counts cache writes and reads as prompt tokens, reads as cached', () => {
    expect(
      toUsage({ input_tokens: 10, output_tokens: 4, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000, output_tokens_details: { thinking_tokens: 3 } }),
    ).toEqual({
      prompt_tokens: 1110,
      completion_tokens: 4,
      total_tokens: 1114,
      prompt_tokens_details: { cached_tokens: 1000, cache_write_tokens: 100 },
      completion_tokens_details: { reasoning_tokens: 3 },
    });
  });
});
