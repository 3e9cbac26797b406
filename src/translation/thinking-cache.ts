import type { SignedThinking } from './thinking.js';

export interface ThinkingCacheOptions {
  /** Most tool-call ids remembered; 0 turns the cache off. */
  maxEntries: number;
  /** Most bytes of thinking and signatures held, all entries together. */
  maxBytes: number;
  /** How long an entry lives: a tool loop continues within minutes. */
  ttlMs: number;
  now?: () => number;
}

interface Entry {
  blocks: SignedThinking[];
  bytes: number;
  expires: number;
}

/**
 * The signed thinking blocks of answers that called tools, keyed by tool-call
 * id. Most OpenAI clients drop message fields they do not know, so the blocks
 * never come back from them; the next request of the loop names the tool call,
 * and the blocks are found here. Embedded and bounded (entries, bytes, TTL),
 * least recently used out first: losing an entry costs thinking on one turn,
 * never the request.
 */
export class ThinkingCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly now: () => number;

  constructor(private readonly options: ThinkingCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  /** Remembers the blocks under each tool call they preceded. */
  remember(toolCallIds: readonly string[], blocks: readonly SignedThinking[]): void {
    if (this.options.maxEntries <= 0 || blocks.length === 0) return;
    const bytes = blocks.reduce((sum, b) => sum + byteSize(b), 0);
    if (bytes > this.options.maxBytes) return;
    for (const id of toolCallIds) {
      this.delete(id);
      this.entries.set(id, { blocks: [...blocks], bytes, expires: this.now() + this.options.ttlMs });
      this.bytes += bytes;
    }
    this.evict();
  }

  recall(toolCallId: string): SignedThinking[] | undefined {
    const entry = this.entries.get(toolCallId);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.delete(toolCallId);
      return undefined;
    }
    // Used again: most recently used now.
    this.entries.delete(toolCallId);
    this.entries.set(toolCallId, entry);
    return entry.blocks;
  }

  private delete(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.bytes -= entry.bytes;
  }

  private evict(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) if (entry.expires <= now) this.delete(id);
    for (const id of this.entries.keys()) {
      if (this.entries.size <= this.options.maxEntries && this.bytes <= this.options.maxBytes) break;
      this.delete(id);
    }
  }
}

function byteSize(block: SignedThinking): number {
  return block.type === 'thinking'
    ? Buffer.byteLength(block.thinking) + Buffer.byteLength(block.signature)
    : Buffer.byteLength(block.data);
}
