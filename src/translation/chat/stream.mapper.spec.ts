import type Anthropic from '@anthropic-ai/sdk';
import { createStreamState, eventToChunks, finalChunks } from './stream.mapper.js';

type Event = Anthropic.RawMessageStreamEvent;
const start = (usage = {}) =>
  ({ type: 'message_start', message: { id: 'msg_9', usage: { input_tokens: 5, output_tokens: 1, ...usage } } }) as unknown as Event;
const blockStart = (index: number, content_block: unknown) => ({ type: 'content_block_start', index, content_block }) as Event;
const delta = (index: number, d: unknown) => ({ type: 'content_block_delta', index, delta: d }) as Event;

/** Feed events, return only the deltas and finish reasons: the part that differs per event. */
function run(events: Event[], includeUsage = false) {
  const state = createStreamState('client-model', includeUsage, 1_000_000);
  const chunks = [...events.flatMap((e) => eventToChunks(state, e)), ...finalChunks(state)];
  return { state, chunks };
}

describe('eventToChunks', () => {
  it('streams thinking as reasoning_content deltas, then the signed block, in both client fields, once it is complete', () => {
    const { chunks, state } = run([
      start(),
      blockStart(0, { type: 'thinking', thinking: '', signature: '' }),
      delta(0, { type: 'thinking_delta', thinking: 'hm' }),
      delta(0, { type: 'signature_delta', signature: 'c2ln' }),
      { type: 'content_block_stop', index: 0 } as Event,
      blockStart(1, { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} }),
    ]);
    expect(chunks.map((c) => c.choices[0].delta).slice(1, 3)).toEqual([
      { reasoning_content: 'hm' },
      {
        reasoning_details: [{ type: 'reasoning.text', text: 'hm', signature: 'c2ln', format: 'anthropic-claude-v1', index: 0 }],
        thinking_blocks: [{ type: 'thinking', thinking: 'hm', signature: 'c2ln' }],
      },
    ]);
    expect(state.thinking).toMatchObject({ blocks: [{ thinking: 'hm', signature: 'c2ln' }], toolCallIds: ['toolu_1'] });
  });

  it('opens with the assistant role and stamps every chunk with one id, time and the client model', () => {
    const { chunks } = run([start(), blockStart(0, { type: 'text', text: '' }), delta(0, { type: 'text_delta', text: 'hi' })]);
    expect(chunks.map((c) => c.choices[0].delta)).toEqual([{ role: 'assistant', content: '' }, { content: 'hi' }]);
    for (const c of chunks) expect(c).toMatchObject({ id: 'chatcmpl-msg_9', created: 1000, model: 'client-model', object: 'chat.completion.chunk' });
  });

  it.each([
    [{ type: 'ping' }],
    [{ type: 'content_block_stop', index: 0 }],
    [{ type: 'message_stop' }],
    [{ type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 's' } }],
    [{ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } }],
  ])('emits nothing for %j', (event) => {
    const state = createStreamState('m', false);
    expect(eventToChunks(state, event as Event)).toEqual([]);
  });

  it('counts tool calls from 0, whatever the Anthropic block index', () => {
    const { chunks } = run([
      start(),
      blockStart(0, { type: 'text', text: '' }),
      blockStart(1, { type: 'tool_use', id: 'a', name: 'f', input: {} }),
      delta(1, { type: 'input_json_delta', partial_json: '{"x":' }),
      delta(1, { type: 'input_json_delta', partial_json: '' }),
      delta(1, { type: 'input_json_delta', partial_json: '1}' }),
      blockStart(2, { type: 'tool_use', id: 'b', name: 'g', input: {} }),
      delta(2, { type: 'input_json_delta', partial_json: '{}' }),
    ]);
    expect(chunks.slice(1).map((c) => c.choices[0].delta.tool_calls)).toEqual([
      [{ index: 0, id: 'a', type: 'function', function: { name: 'f', arguments: '' } }],
      [{ index: 0, function: { arguments: '{"x":' } }],
      [{ index: 0, function: { arguments: '1}' } }],
      [{ index: 1, id: 'b', type: 'function', function: { name: 'g', arguments: '' } }],
      [{ index: 1, function: { arguments: '{}' } }],
    ]);
  });

  it('maps thinking deltas to reasoning_content', () => {
    const { chunks } = run([start(), delta(0, { type: 'thinking_delta', thinking: 'let me see' })]);
    expect(chunks[1].choices[0].delta).toEqual({ reasoning_content: 'let me see' });
  });

  it('closes with the mapped finish reason and, when asked, cumulative usage', () => {
    const { chunks } = run(
      [
        start({ cache_read_input_tokens: 7 }),
        { type: 'message_delta', delta: { stop_reason: 'max_tokens' }, usage: { output_tokens: 3 } } as unknown as Event,
        { type: 'message_delta', delta: { stop_reason: null }, usage: { output_tokens: 9, input_tokens: null } } as unknown as Event,
      ],
      true,
    );
    expect(chunks[1].choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'length' });
    expect(chunks[1].usage).toBeNull();
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 9, total_tokens: 21, prompt_tokens_details: { cached_tokens: 7 } });
  });

  it('sends no usage chunk and no usage field unless asked', () => {
    const { chunks } = run([start()]);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).not.toHaveProperty('usage');
  });
});
