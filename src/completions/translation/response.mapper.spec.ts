import type Anthropic from '@anthropic-ai/sdk';
import { completionIdentity, toChatCompletion, toUsage } from './response.mapper.js';

const usage = { input_tokens: 1, output_tokens: 2, cache_creation_input_tokens: null, cache_read_input_tokens: null } as Anthropic.Usage;
const msg = (content: unknown[], stop_reason = 'end_turn') =>
  ({ id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content, stop_reason, usage }) as unknown as Anthropic.Message;
const identity = completionIdentity('msg_1', 'client-model', 1_700_000_000_500);

describe('toChatCompletion', () => {
  it('builds the id and created time, and keeps the client model name', () => {
    expect(identity).toEqual({ id: 'chatcmpl-msg_1', created: 1_700_000_000, model: 'client-model' });
  });

  it('joins text blocks and reports thinking as reasoning_content', () => {
    const out = toChatCompletion(
      msg([{ type: 'thinking', thinking: 'hmm', signature: 's' }, { type: 'text', text: 'a' }, { type: 'text', text: 'b' }]),
      identity,
    );
    expect(out.choices[0].message).toEqual({ role: 'assistant', content: 'ab', refusal: null, reasoning_content: 'hmm' });
  });

  it('gives empty content, not null, when there is neither text nor a tool call', () => {
    expect(toChatCompletion(msg([]), identity).choices[0].message.content).toBe('');
  });

  it('keeps text beside tool calls', () => {
    const out = toChatCompletion(msg([{ type: 'text', text: 't' }, { type: 'tool_use', id: 'x', name: 'f', input: { a: 1 } }], 'tool_use'), identity);
    expect(out.choices[0].message.content).toBe('t');
    expect(out.choices[0].message.tool_calls).toEqual([{ id: 'x', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }]);
    expect(out.choices[0].finish_reason).toBe('tool_calls');
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
      prompt_tokens_details: { cached_tokens: 1000 },
      completion_tokens_details: { reasoning_tokens: 3 },
    });
  });
});
