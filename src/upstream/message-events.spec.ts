import type Anthropic from '@anthropic-ai/sdk';
import { messageToEvents } from './message-events.js';

const citation = {
  type: 'web_search_result_location',
  url: 'https://example.com/nest',
  title: 'Nest',
  cited_text: 'Released.',
  encrypted_index: 'enc',
} as const;

function message(content: unknown[]): Anthropic.Message {
  return {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-5-5',
    content,
    stop_reason: 'end_turn',
    stop_sequence: null,
    stop_details: null,
    container: null,
    usage: { input_tokens: 3, output_tokens: 4, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  } as unknown as Anthropic.Message;
}

/** The events of the one block of a one-block message (between message_start and message_delta). */
const blockEventsOf = (block: unknown) => messageToEvents(message([block])).slice(1, -2);

describe('messageToEvents: a whole message as a stream of it carries it', () => {
  it('opens with message_start (no content, no stop reason yet) and ends with message_delta and message_stop', () => {
    const events = messageToEvents(message([]));
    expect(events.map((e) => e.type)).toEqual(['message_start', 'message_delta', 'message_stop']);
    expect(events[0]).toMatchObject({ message: { id: 'msg_1', content: [], stop_reason: null } });
    expect(events[1]).toMatchObject({ delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 4 } });
  });

  it.each<[string, unknown, unknown[]]>([
    [
      'text: the start holds no text, then one text_delta',
      { type: 'text', text: 'Hi.', citations: null },
      [
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '', citations: null } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi.' } },
      ],
    ],
    [
      'cited text: the start holds no citations, then a citations_delta each, then the text',
      { type: 'text', text: 'Released.', citations: [citation, { ...citation, url: 'https://example.com/b' }] },
      [
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '', citations: [] } },
        { type: 'content_block_delta', index: 0, delta: { type: 'citations_delta', citation } },
        { type: 'content_block_delta', index: 0, delta: { type: 'citations_delta', citation: { ...citation, url: 'https://example.com/b' } } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Released.' } },
      ],
    ],
    [
      'thinking: empty start, then the thinking and its signature',
      { type: 'thinking', thinking: 'hmm', signature: 'sig' },
      [
        { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } },
      ],
    ],
    [
      'tool_use: empty input, then the input as one input_json_delta',
      { type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: [1, 2] }, caller: { type: 'direct' } },
      [
        { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_1', name: 'f', input: {}, caller: { type: 'direct' } } },
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"a":[1,2]}' } },
      ],
    ],
    [
      'server_tool_use: the same, so the web search query arrives as it does streamed',
      { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'nest' }, caller: { type: 'direct' } },
      [
        { type: 'content_block_start', index: 0, content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {}, caller: { type: 'direct' } } },
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"query":"nest"}' } },
      ],
    ],
    [
      'redacted_thinking: whole in its start',
      { type: 'redacted_thinking', data: 'opaque' },
      [{ type: 'content_block_start', index: 0, content_block: { type: 'redacted_thinking', data: 'opaque' } }],
    ],
    [
      'web_search_tool_result: whole in its start',
      { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [{ type: 'web_search_result', url: 'u', title: 't', encrypted_content: 'e', page_age: null }] },
      [
        {
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [{ type: 'web_search_result', url: 'u', title: 't', encrypted_content: 'e', page_age: null }] },
        },
      ],
    ],
  ])('%s', (_name, block, expected) => {
    expect(blockEventsOf(block)).toEqual([...expected, { type: 'content_block_stop', index: 0 }]);
  });

  it('numbers the blocks in order', () => {
    const events = messageToEvents(message([{ type: 'text', text: 'a', citations: null }, { type: 'tool_use', id: 't', name: 'f', input: {} }]));
    expect(events.filter((e) => e.type === 'content_block_stop')).toEqual([
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_stop', index: 1 },
    ]);
  });
});
