import type Anthropic from '@anthropic-ai/sdk';
import type { SignedThinking } from './thinking.js';

/**
 * Collects, from an answer's event stream, the signed thinking blocks and the
 * tool calls they led to: what the next request of a tool loop has to send
 * back byte for byte. A reducer over events; no I/O.
 */
export interface ThinkingCapture {
  /** Completed signed blocks, in answer order. */
  blocks: SignedThinking[];
  /** Ids of the tool calls in the answer, in order. */
  toolCallIds: string[];
  open: Map<number, { thinking: string[]; signature: string }>;
}

export function createThinkingCapture(): ThinkingCapture {
  return { blocks: [], toolCallIds: [], open: new Map() };
}

/** Feeds one event; returns the block it completed, if any (to hand to clients that keep it). */
export function captureThinking(capture: ThinkingCapture, event: Anthropic.RawMessageStreamEvent): SignedThinking | null {
  switch (event.type) {
    case 'content_block_start': {
      const block = event.content_block;
      if (block.type === 'thinking') capture.open.set(event.index, { thinking: [block.thinking], signature: block.signature ?? '' });
      else if (block.type === 'redacted_thinking') {
        const done: SignedThinking = { type: 'redacted_thinking', data: block.data };
        capture.blocks.push(done);
        return done;
      } else if (block.type === 'tool_use') capture.toolCallIds.push(block.id);
      return null;
    }
    case 'content_block_delta': {
      const open = capture.open.get(event.index);
      if (!open) return null;
      if (event.delta.type === 'thinking_delta') open.thinking.push(event.delta.thinking);
      else if (event.delta.type === 'signature_delta') open.signature += event.delta.signature;
      return null;
    }
    case 'content_block_stop': {
      const open = capture.open.get(event.index);
      if (!open) return null;
      capture.open.delete(event.index);
      // A block without a signature cannot be replayed: the API would reject it.
      if (!open.signature) return null;
      const done: SignedThinking = { type: 'thinking', thinking: open.thinking.join(''), signature: open.signature };
      capture.blocks.push(done);
      return done;
    }
    default:
      return null;
  }
}
