import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * Rules the real Messages API enforces on a request body, for the stand-in.
 * Each rule here is one the API documents or answers with a 400; the error
 * texts follow the real ones, so the gateway's handling of them is tested
 * against what it will meet in production.
 */

export interface RuleViolation {
  status: number;
  type: string;
  message: string;
}

const invalid = (message: string): RuleViolation => ({ status: 400, type: 'invalid_request_error', message });

// ---------------------------------------------------------------------------
// Signed thinking. The real API signs each thinking block it returns and
// checks the signature, byte for byte, when the block comes back.

const SECRET = randomBytes(16);

/** The signature the stand-in gives a thinking text. */
export function signThinking(thinking: string): string {
  return createHmac('sha256', SECRET).update(thinking, 'utf8').digest('base64');
}

/** An opaque `redacted_thinking` payload the stand-in will accept back. */
export function redactedData(seed: string): string {
  return `redacted:${signThinking(`redacted:${seed}`)}:${seed}`;
}

function isRedactedData(data: string): boolean {
  const seed = /^redacted:[^:]+:(.*)$/s.exec(data)?.[1];
  return seed !== undefined && data === redactedData(seed);
}

const TOOL_ID = /^[a-zA-Z0-9_-]+$/;

/** Models that take `role: "system"` inside `messages` ("Mid-conversation system messages"; model profiles). */
export const MID_CONVERSATION_SYSTEM = /^claude-(opus-4-8|opus-5|sonnet-5|haiku-5|fable-5|mythos-5)/;

type Block = { type: string; [key: string]: any };
type Message = { role: string; content: string | Block[] };

const blocksOf = (m: Message): Block[] => (typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : (m.content ?? []));

/** The first rule the body breaks, or null. */
export function checkMessagesRequest(body: any): RuleViolation | null {
  const messages: Message[] = Array.isArray(body?.messages) ? body.messages : [];
  return (
    checkFirstTurn(messages) ??
    checkCacheBreakpoints(body) ??
    checkTools(body?.tools) ??
    checkToolIds(messages) ??
    checkToolPairs(messages) ??
    checkSignatures(messages) ??
    checkSystemMessages(messages, String(body?.model ?? '')) ??
    checkThinkingFirst(messages, body?.thinking)
  );
}

/** The conversation opens with the user (a `role: "system"` turn cannot open it either), and a prefill ends in no whitespace. */
function checkFirstTurn(messages: Message[]): RuleViolation | null {
  if (messages.length === 0) return invalid('messages: at least one message is required');
  if (messages[0].role !== 'user') return invalid('messages: first message must use the "user" role');
  // A final assistant turn is a prefill, which may not end in whitespace.
  const last = messages[messages.length - 1];
  const text = last.role === 'assistant' ? blocksOf(last).at(-1) : undefined;
  if (text?.type === 'text' && /\s$/.test(String(text.text))) return invalid('messages: final assistant content cannot end with trailing whitespace');
  return null;
}

/**
 * Prompt-cache breakpoints: at most four per request, the top-level (automatic)
 * one included, and in prompt order (tools, system, messages) never a 1h one
 * after a 5m one; the automatic one is last.
 */
function checkCacheBreakpoints(body: any): RuleViolation | null {
  const found: Array<{ at: string; ttl: string }> = [];
  const look = (block: any, at: string) => {
    if (block?.cache_control) found.push({ at, ttl: block.cache_control.ttl ?? '5m' });
  };
  (Array.isArray(body?.tools) ? body.tools : []).forEach((t: any, i: number) => look(t, `tools.${i}`));
  (Array.isArray(body?.system) ? body.system : []).forEach((b: any, i: number) => look(b, `system.${i}`));
  (Array.isArray(body?.messages) ? body.messages : []).forEach((m: Message, i: number) =>
    (Array.isArray(m.content) ? m.content : []).forEach((b, j) => {
      look(b, `messages.${i}.content.${j}`);
      if (b.type === 'tool_result' && Array.isArray(b.content)) b.content.forEach((inner: any, k: number) => look(inner, `messages.${i}.content.${j}.content.${k}`));
    }),
  );
  if (body?.cache_control) found.push({ at: 'cache_control', ttl: body.cache_control.ttl ?? '5m' });
  if (found.length > 4) return invalid(`A maximum of 4 blocks with cache_control may be provided. Found ${found.length}.`);
  const short = found.findIndex((b) => b.ttl === '5m');
  const late = found.findIndex((b, i) => short >= 0 && i > short && b.ttl === '1h');
  if (late >= 0) {
    return invalid(`${found[late].at}.cache_control.ttl: a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block.`);
  }
  return null;
}

function checkToolIds(messages: Message[]): RuleViolation | null {
  for (const [i, m] of messages.entries()) {
    for (const [j, b] of blocksOf(m).entries()) {
      if (b.type === 'tool_use' && !TOOL_ID.test(String(b.id))) {
        return invalid(`messages.${i}.content.${j}.id: String should match pattern '^[a-zA-Z0-9_-]+$'`);
      }
      if (b.type === 'tool_result' && !TOOL_ID.test(String(b.tool_use_id))) {
        return invalid(`messages.${i}.content.${j}.tool_use_id: String should match pattern '^[a-zA-Z0-9_-]+$'`);
      }
    }
  }
  return null;
}

/** Server tools the real API knows; anything else must be a custom tool with an input_schema. */
const SERVER_TOOL_TYPES = ['web_search_20250305', 'web_search_20260209', 'web_fetch_20250910'];

function checkTools(tools: unknown): RuleViolation | null {
  for (const [t, tool] of (Array.isArray(tools) ? tools : []).entries()) {
    if (tool.type && tool.type !== 'custom' && !SERVER_TOOL_TYPES.includes(tool.type)) {
      return invalid(`tools.${t}: Input tag '${tool.type}' found using 'type' does not match any of the expected tags`);
    }
    if (!tool.type && !tool.input_schema) return invalid(`tools.${t}.input_schema: Field required`);
  }
  return null;
}

/** Every tool_result answers a tool_use of the assistant message just before; every tool_use is answered in the next one. */
function checkToolPairs(messages: Message[]): RuleViolation | null {
  const calls = (m: Message | undefined) => (m?.role === 'assistant' ? blocksOf(m).filter((b) => b.type === 'tool_use').map((b) => String(b.id)) : []);
  const results = (m: Message | undefined) =>
    m?.role === 'user' ? blocksOf(m).filter((b) => b.type === 'tool_result').map((b) => String(b.tool_use_id)) : [];
  for (const [i, m] of messages.entries()) {
    const unexpected = results(m).filter((id) => !calls(messages[i - 1]).includes(id));
    if (unexpected.length > 0) {
      return invalid(
        `messages.${i}.content.0: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${unexpected.join(', ')}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
      );
    }
    const open = i + 1 < messages.length ? calls(m).filter((id) => !results(messages[i + 1]).includes(id)) : [];
    if (open.length > 0) {
      return invalid(
        `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${open.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
      );
    }
  }
  return null;
}

function checkSignatures(messages: Message[]): RuleViolation | null {
  for (const [i, m] of messages.entries()) {
    for (const [j, b] of blocksOf(m).entries()) {
      if (b.type === 'thinking' && b.signature !== signThinking(String(b.thinking))) {
        return invalid(`messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`);
      }
      if (b.type === 'redacted_thinking' && !isRedactedData(String(b.data))) {
        return invalid(`messages.${i}.content.${j}: Invalid \`data\` in \`redacted_thinking\` block`);
      }
    }
  }
  return null;
}

/** A system message goes immediately after a user turn, on the models that take one at all. */
function checkSystemMessages(messages: Message[], model: string): RuleViolation | null {
  for (const [i, m] of messages.entries()) {
    if (m.role !== 'system') continue;
    if (!MID_CONVERSATION_SYSTEM.test(model)) {
      return invalid(`messages.${i}.role: role 'system' is not supported on this model`);
    }
    if (messages[i - 1]?.role !== 'user') {
      return invalid(`messages.${i}: a \`system\` message must immediately follow a \`user\` message`);
    }
  }
  return null;
}

/**
 * With thinking on, the assistant message that opened the current tool loop
 * (the first one after the last genuine user message) must start with the
 * thinking block it was answered with.
 */
function checkThinkingFirst(messages: Message[], thinking: any): RuleViolation | null {
  if (thinking?.type !== 'enabled' && thinking?.type !== 'adaptive') return null;
  const last = messages[messages.length - 1];
  if (!last || last.role !== 'user' || !blocksOf(last).some((b) => b.type === 'tool_result')) return null;
  let turnStart = -1;
  messages.forEach((m, i) => {
    if (m.role === 'user' && !blocksOf(m).some((b) => b.type === 'tool_result')) turnStart = i;
  });
  const opener = messages.findIndex((m, i) => i > turnStart && m.role === 'assistant');
  if (opener < 0) return null;
  const first = blocksOf(messages[opener])[0];
  if (first && (first.type === 'thinking' || first.type === 'redacted_thinking')) return null;
  return invalid(
    `messages.${opener}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${first?.type ?? 'nothing'}\`. ` +
      'When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of ' +
      '`tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous turns. To avoid this ' +
      'requirement, disable `thinking`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking',
  );
}

// ---------------------------------------------------------------------------
// Prompt caching, priced as the real API reports it: the request is a chain of
// blocks (tools, system, messages); a breakpoint (a block's `cache_control`, or
// the top-level one, which lands on the last block) caches the prefix up to it;
// a later request reads the longest cached prefix found at or up to 20 blocks
// before one of its breakpoints. Tokens are estimated at 4 characters each.

/** Prefixes shorter than this are never cached (the documented minimum for most models). */
export const MIN_CACHEABLE_TOKENS = 1024;
const LOOKBACK_BLOCKS = 20;
const TTL_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000 } as const;

export interface CacheUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

interface ChainBlock {
  hash: string;
  /** Tokens up to and including this block. */
  total: number;
  ttl: keyof typeof TTL_MS | null;
}

export class PromptCacheSimulator {
  private readonly entries = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  clear(): void {
    this.entries.clear();
  }

  /** What the request reads from and writes to the cache; the cache is updated. */
  account(body: any): CacheUsage {
    const chain = toChain(body);
    const total = chain.at(-1)?.total ?? 0;
    const breakpoints = chain.flatMap((b, i) => (b.ttl ? [i] : []));
    const now = this.now();
    let readEnd = -1;
    for (const bp of breakpoints) {
      for (let i = bp; i >= Math.max(0, bp - LOOKBACK_BLOCKS); i--) {
        const expires = this.entries.get(chain[i].hash);
        if (expires !== undefined && expires > now) {
          readEnd = Math.max(readEnd, i);
          break;
        }
      }
    }
    const read = readEnd >= 0 ? chain[readEnd].total : 0;
    if (readEnd >= 0) this.entries.set(chain[readEnd].hash, now + TTL_MS[chain[readEnd].ttl ?? '5m']);
    const written = { '5m': 0, '1h': 0 };
    let writtenUpTo = read;
    for (const bp of breakpoints) {
      const block = chain[bp];
      if (bp <= readEnd || block.total < MIN_CACHEABLE_TOKENS || !block.ttl) continue;
      this.entries.set(block.hash, now + TTL_MS[block.ttl]);
      written[block.ttl] += block.total - writtenUpTo;
      writtenUpTo = block.total;
    }
    const creation = written['5m'] + written['1h'];
    return {
      input_tokens: total - read - creation,
      cache_creation_input_tokens: creation,
      cache_read_input_tokens: read,
      cache_creation: { ephemeral_5m_input_tokens: written['5m'], ephemeral_1h_input_tokens: written['1h'] },
    };
  }
}

function toChain(body: any): ChainBlock[] {
  const raw: Array<{ block: any; ttl: ChainBlock['ttl'] }> = [];
  const add = (block: any) => {
    const { cache_control, ...rest } = block ?? {};
    raw.push({ block: rest, ttl: cache_control ? (cache_control.ttl ?? '5m') : null });
  };
  for (const tool of body?.tools ?? []) add(tool);
  const system = body?.system;
  if (typeof system === 'string') add({ type: 'text', text: system });
  else for (const b of system ?? []) add(b);
  for (const m of body?.messages ?? []) {
    const content = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : (m.content ?? []);
    for (const b of content) add({ role: m.role, ...b });
  }
  // Automatic caching: the top-level cache_control marks the last cacheable block.
  const last = raw.at(-1);
  if (body?.cache_control && last && !last.ttl) last.ttl = body.cache_control.ttl ?? '5m';
  let hash = String(body?.model ?? '');
  let total = 0;
  return raw.map(({ block, ttl }) => {
    const json = JSON.stringify(block);
    hash = createHash('sha256').update(hash).update(json).digest('hex');
    total += Math.ceil(json.length / 4);
    return { hash, total, ttl };
  });
}
