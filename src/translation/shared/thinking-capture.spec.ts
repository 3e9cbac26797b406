import type Anthropic from '@anthropic-ai/sdk';
import { captureThinking, createThinkingCapture } from './thinking-capture.js';

const events = [
  { type: 'message_start', message: { id: 'm' } },
  { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Let me ' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'check.' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'c2lnbmF0dXJl' } },
  { type: 'content_block_stop', index: 0 },
  { type: 'content_block_start', index: 1, content_block: { type: 'redacted_thinking', data: 'opaque' } },
  { type: 'content_block_stop', index: 1 },
  { type: 'content_block_start', index: 2, content_block: { type: 'thinking', thinking: '', signature: '' } },
  { type: 'content_block_delta', index: 2, delta: { type: 'thinking_delta', thinking: 'unsigned' } },
  { type: 'content_block_stop', index: 2 },
  { type: 'content_block_start', index: 3, content_block: { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} } },
  { type: 'content_block_stop', index: 3 },
  { type: 'content_block_start', index: 4, content_block: { type: 'tool_use', id: 'toolu_2', name: 'g', input: {} } },
] as unknown as Anthropic.RawMessageStreamEvent[];

describe('captureThinking', () => {
  it('joins thinking and signature, keeps redacted blocks, skips unsigned ones, and notes the tool calls', () => {
    const capture = createThinkingCapture();
    const completed = events.map((e) => captureThinking(capture, e)).filter(Boolean);
    const expected = [
      { type: 'thinking', thinking: 'Let me check.', signature: 'c2lnbmF0dXJl' },
      { type: 'redacted_thinking', data: 'opaque' },
    ];
    expect(capture.blocks).toEqual(expected);
    expect(completed).toEqual(expected);
    expect(capture.toolCallIds).toEqual(['toolu_1', 'toolu_2']);
  });
});
