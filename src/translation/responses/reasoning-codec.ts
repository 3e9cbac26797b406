import type Anthropic from '@anthropic-ai/sdk';
import { invalidRequest } from '../../common/errors/gateway-error.js';

export type ThinkingBlock = Anthropic.ThinkingBlockParam | Anthropic.RedactedThinkingBlockParam;

/**
 * Claude's thinking must go back upstream byte for byte, signature included,
 * or a tool loop with thinking is refused. A stateless client (`store: false`)
 * can only hand it back through a reasoning item's `encrypted_content`, so the
 * blocks travel there, versioned and base64url-encoded. Not encrypted: the
 * signature already makes the blocks tamper-evident upstream, and the text is
 * the same the client sees as the summary.
 */
const PREFIX = 'ccp1.';

export function encodeThinking(blocks: ThinkingBlock[]): string {
  return PREFIX + Buffer.from(JSON.stringify(blocks), 'utf8').toString('base64url');
}

/**
 * Reasoning from another model (OpenAI's own encrypted reasoning, when a
 * client switches models mid-conversation) is not ours to replay: Claude would
 * not accept it, and Anthropic drops thinking from other models too.
 */
export function isOurs(value: string): boolean {
  return value.startsWith(PREFIX);
}

export function decodeThinking(value: string, param: string): ThinkingBlock[] {
  const invalid = () =>
    invalidRequest(
      `${param} was not produced by this gateway; send the reasoning item back as it was received.`,
      param,
    );
  if (!value.startsWith(PREFIX)) throw invalid();
  let blocks: unknown;
  try {
    blocks = JSON.parse(Buffer.from(value.slice(PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(blocks) || !blocks.every(isThinkingBlock)) throw invalid();
  return blocks;
}

function isThinkingBlock(block: unknown): block is ThinkingBlock {
  const b = block as Record<string, unknown> | null;
  if (!b || typeof b !== 'object') return false;
  if (b.type === 'thinking') return typeof b.thinking === 'string' && typeof b.signature === 'string';
  return b.type === 'redacted_thinking' && typeof b.data === 'string';
}
