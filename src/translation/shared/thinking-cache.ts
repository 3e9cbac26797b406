import { Injectable, Logger } from '@nestjs/common';
import { redactSecrets } from '../../common/redaction/redact.js';
import { StateStore, type ThinkingEntry } from '../../store/state-store.js';
import type { SignedThinking } from './thinking.js';

const NOTHING: ReadonlyMap<string, readonly SignedThinking[]> = new Map();

/** A failing store is said at most this often, not once per request. */
const WARN_EVERY_MS = 10_000;

/**
 * The signed thinking blocks of answers that called tools, kept by tool-call
 * id in the gateway's store (in memory, or Redis with REDIS_URL), per
 * tenant. Most OpenAI clients drop message fields they do not know, so the
 * blocks never come back from them; the next request of the loop names the
 * tool call, and the blocks are found here. Best effort: losing an entry, or
 * the store, costs thinking on one turn, never the request.
 */
@Injectable()
export class ThinkingCache {
  private readonly logger = new Logger('Store');
  private warnedAt = -Infinity;

  constructor(private readonly store: StateStore) {}

  /** The blocks kept for these tool calls; none (and a warning) when the store fails. */
  async recall(tenant: string, callIds: readonly string[]): Promise<ReadonlyMap<string, readonly SignedThinking[]>> {
    if (callIds.length === 0) return NOTHING;
    try {
      return (await this.store.read(tenant, { callIds })).thinking as Map<string, SignedThinking[]>;
    } catch (error) {
      this.failed('recalled', error);
      return NOTHING;
    }
  }

  /** Remembers the blocks under each tool call they preceded; a failure is logged (and counted by the store), never thrown. */
  async remember(tenant: string, callIds: readonly string[], blocks: readonly SignedThinking[]): Promise<void> {
    const entry = thinkingEntry(callIds, blocks);
    if (!entry) return;
    await this.store.write(tenant, null, entry).catch((error: unknown) => this.failed('kept', error));
  }

  /** Said at most once every WARN_EVERY_MS: a store that is down fails every tool loop's request. */
  private failed(what: 'kept' | 'recalled', error: unknown): void {
    const now = Date.now();
    if (now - this.warnedAt < WARN_EVERY_MS) return;
    this.warnedAt = now;
    this.logger.warn(redactSecrets(`Signed thinking not ${what}: ${(error as Error)?.message ?? error}`));
  }
}

/** What the store keeps for an answer's thinking; null when there is nothing to keep. */
export function thinkingEntry(callIds: readonly string[], blocks: readonly SignedThinking[]): ThinkingEntry | null {
  if (callIds.length === 0 || blocks.length === 0) return null;
  const bytes = blocks.reduce((sum, b) => sum + byteSize(b), 0);
  return { callIds, bytes, value: [...blocks] };
}

function byteSize(block: SignedThinking): number {
  return block.type === 'thinking'
    ? Buffer.byteLength(block.thinking) + Buffer.byteLength(block.signature)
    : Buffer.byteLength(block.data);
}
