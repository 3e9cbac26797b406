import type Anthropic from '@anthropic-ai/sdk';

/**
 * A complete (non-streaming) Anthropic message → the events a stream of the
 * same message would carry, one delta per block. Feeding them through the
 * stream mapper and the assembler answers a non-streaming upstream call
 * exactly as a streamed-and-assembled one, with no second mapping to keep in
 * step. Pure.
 */
export function messageToEvents(message: Anthropic.Message): Anthropic.RawMessageStreamEvent[] {
  const events: Anthropic.RawMessageStreamEvent[] = [
    { type: 'message_start', message: { ...message, content: [], stop_reason: null, stop_sequence: null } },
  ];
  message.content.forEach((block, index) => {
    events.push(...blockEvents(block, index));
    events.push({ type: 'content_block_stop', index });
  });
  const { usage } = message;
  events.push(
    {
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence, stop_details: message.stop_details, container: message.container },
      usage: {
        input_tokens: usage.input_tokens,
        output_tokens: usage.output_tokens,
        cache_creation_input_tokens: usage.cache_creation_input_tokens,
        cache_read_input_tokens: usage.cache_read_input_tokens,
        output_tokens_details: usage.output_tokens_details,
        server_tool_use: usage.server_tool_use,
      },
    } as Anthropic.RawMessageDeltaEvent,
    { type: 'message_stop' },
  );
  return events;
}

/** A block's start event (empty, as streams open it) and the one delta that fills it. */
function blockEvents(block: Anthropic.ContentBlock, index: number): Anthropic.RawMessageStreamEvent[] {
  switch (block.type) {
    case 'text':
      return [
        { type: 'content_block_start', index, content_block: { ...block, text: '' } },
        ...(block.text ? [{ type: 'content_block_delta' as const, index, delta: { type: 'text_delta' as const, text: block.text } }] : []),
      ];
    case 'thinking':
      return [
        { type: 'content_block_start', index, content_block: { ...block, thinking: '', signature: '' } },
        { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: block.thinking } },
        { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } },
      ];
    case 'tool_use':
      return [
        { type: 'content_block_start', index, content_block: { ...block, input: {} } },
        { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } },
      ];
    default:
      // Server tools, their results and redacted thinking map to nothing a client sees, streamed or not.
      return [{ type: 'content_block_start', index, content_block: block } as Anthropic.RawContentBlockStartEvent];
  }
}
