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

/**
 * A block's events as a stream carries them: the start event (empty, as
 * streams open it) and the deltas that fill it, one of each kind. Each kind
 * of block the SDK lists (`ContentBlock`) is named here, so a new one is a
 * compile error until it is decided how a stream carries it.
 */
function blockEvents(block: Anthropic.ContentBlock, index: number): Anthropic.RawMessageStreamEvent[] {
  const delta = (d: Anthropic.RawContentBlockDelta): Anthropic.RawContentBlockDeltaEvent => ({ type: 'content_block_delta', index, delta: d });
  switch (block.type) {
    case 'text':
      // Citations arrive as deltas before the text they are about; the start block holds none yet.
      return [
        { type: 'content_block_start', index, content_block: { ...block, text: '', citations: block.citations ? [] : null } },
        ...(block.citations ?? []).map((citation) => delta({ type: 'citations_delta', citation })),
        ...(block.text ? [delta({ type: 'text_delta', text: block.text })] : []),
      ];
    case 'thinking':
      return [
        { type: 'content_block_start', index, content_block: { ...block, thinking: '', signature: '' } },
        delta({ type: 'thinking_delta', thinking: block.thinking }),
        delta({ type: 'signature_delta', signature: block.signature }),
      ];
    case 'tool_use':
    case 'server_tool_use':
      // The input arrives as JSON text (for server tools too: the web search query is in it).
      return [
        { type: 'content_block_start', index, content_block: { ...block, input: {} } },
        delta({ type: 'input_json_delta', partial_json: JSON.stringify(block.input) }),
      ];
    case 'redacted_thinking':
    case 'web_search_tool_result':
    case 'web_fetch_tool_result':
    case 'code_execution_tool_result':
    case 'bash_code_execution_tool_result':
    case 'text_editor_code_execution_tool_result':
    case 'tool_search_tool_result':
    case 'container_upload':
      // Whole in their start event, with no deltas, streamed or not.
      return [{ type: 'content_block_start', index, content_block: block }];
    default:
      return unknownBlock(block, index);
  }
}

/** A block type newer than this SDK: passed on whole, as a stream would start it; the mappers skip what they do not know. */
function unknownBlock(block: never, index: number): Anthropic.RawMessageStreamEvent[] {
  return [{ type: 'content_block_start', index, content_block: block }];
}
