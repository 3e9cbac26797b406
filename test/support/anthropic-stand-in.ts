import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkMessagesRequest, PromptCacheSimulator, redactedData, signThinking, type CacheUsage, type RuleViolation } from './messages-rules.js';

export { MID_CONVERSATION_SYSTEM, redactedData, signThinking } from './messages-rules.js';

/**
 * A real HTTP server on 127.0.0.1 that answers like the Anthropic Messages
 * API: JSON messages, SSE event streams, error bodies with real statuses,
 * `request-id` and `retry-after` headers, and key/token checks. Each test
 * queues the replies it wants and reads back what the gateway sent.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The headers exactly as they came, names in their own case, repeats kept (Node's `rawHeaders`). */
  rawHeaders: string[];
  body: any;
  /** The body exactly as it came. */
  rawBody: string;
  /** The client hung up before the reply was complete. */
  closedEarly: boolean;
  /** When the connection closed, for abort-latency checks. */
  closedAt?: number;
  /** When the whole reply had been handed to the OS, for back-pressure checks. */
  finishedAt?: number;
}

export type SseStep =
  | { event: string; data: unknown }
  | { raw: string }
  | { wait: number }
  /** Drop the connection mid-stream, as a broken network does. */
  | { destroy: true };

export type Reply =
  | { kind: 'json'; status?: number; body: unknown; headers?: Record<string, string>; delayMs?: number }
  /** `steps` may be made as they are sent (a generator): then the stand-in waits for the client to read, as a real server's socket makes it. */
  | { kind: 'sse'; steps: Iterable<SseStep>; headers?: Record<string, string> }
  | { kind: 'error'; status: number; type: string; message: string; headers?: Record<string, string> }
  | { kind: 'destroy' };

export type Handler = (req: RecordedRequest) => Reply | Promise<Reply>;

export interface AuthPolicy {
  /** Console API keys the server accepts (as x-api-key only, like the real API). */
  apiKeys?: string[];
  /** OAuth access tokens it accepts (Bearer, with the OAuth beta header). */
  oauthTokens?: string[];
  /** OAuth tokens it answers with "expired". */
  expiredTokens?: string[];
  /** Judges other Bearer tokens (those a token endpoint issued): accepted, expired, or unknown. */
  issuedTokens?: (token: string) => 'valid' | 'expired' | 'unknown';
}

export const OAUTH_BETA = 'oauth-2025-04-20';

let counter = 0;
const nextId = (prefix: string) => `${prefix}_${(++counter).toString(36).padStart(6, '0')}standin`;

/** A model in the shape `GET /v1/models` lists it. */
export interface ModelInfo {
  id: string;
  type: 'model';
  display_name: string;
  created_at: string;
}

export const modelInfo = (id: string, created = '2026-09-28T00:00:00Z'): ModelInfo => ({
  id,
  type: 'model',
  display_name: id,
  created_at: created,
});

const DEFAULT_MODELS: ModelInfo[] = [
  modelInfo('claude-sonnet-5-5', '2026-09-28T00:00:00Z'),
  modelInfo('claude-opus-5-5', '2026-09-22T00:00:00Z'),
  modelInfo('claude-opus-4-8', '2026-05-28T00:00:00Z'),
  modelInfo('claude-haiku-4-5-20251001', '2025-10-15T00:00:00Z'),
];

export class AnthropicStandIn {
  readonly requests: RecordedRequest[] = [];
  auth: AuthPolicy | null = null;
  /** What `GET /v1/models` lists. */
  models: ModelInfo[] = [...DEFAULT_MODELS];
  /** When set, `GET /v1/models` answers this instead (an outage, a 403, ...). */
  modelsReply: Reply | null = null;
  /** When set, answers `POST /v1/oauth/token`, which needs no credential (see token-endpoint.ts). */
  tokenEndpoint: Handler | null = null;
  /**
   * Report usage as the real API meters it (token estimate, prompt cache with
   * reads and writes) instead of the replies' fixed numbers. Off by default so
   * tests that pin usage numbers keep them.
   */
  meterUsage = false;
  readonly promptCache = new PromptCacheSimulator();
  /** Connections accepted since the last reset, and those open now (the client's pool, seen from here). */
  readonly connections = { accepted: 0, open: 0 };
  private readonly queue: Handler[] = [];
  private fallback: Handler = defaultHandler;

  private constructor(private readonly server: Server) {}

  static async start(port = 0): Promise<AnthropicStandIn> {
    const server = createServer();
    const standIn = new AnthropicStandIn(server);
    server.on('request', (req, res) => void standIn.handle(req, res));
    server.on('connection', (socket) => {
      standIn.connections.accepted++;
      standIn.connections.open++;
      socket.once('close', () => standIn.connections.open--);
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    return standIn;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Queue replies for the next requests, in order; a function sees the request. */
  reply(...replies: Array<Reply | Handler>): this {
    for (const r of replies) this.queue.push(typeof r === 'function' ? r : () => r);
    return this;
  }

  /** The reply for every request once the queue is empty. */
  setDefault(handler: Handler): this {
    this.fallback = handler;
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
    this.fallback = defaultHandler;
    this.auth = null;
    this.models = [...DEFAULT_MODELS];
    this.modelsReply = null;
    this.tokenEndpoint = null;
    this.meterUsage = false;
    this.promptCache.clear();
    this.connections.accepted = 0;
  }

  get last(): RecordedRequest {
    const last = this.requests[this.requests.length - 1];
    if (!last) throw new Error('the stand-in has received no request');
    return last;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      body: text ? safeJson(text) : undefined,
      rawBody: text,
      closedEarly: false,
    };
    this.requests.push(recorded);
    res.once('finish', () => (recorded.finishedAt = Date.now()));
    res.once('close', () => {
      recorded.closedAt = Date.now();
      if (!res.writableFinished) recorded.closedEarly = true;
    });

    if (this.tokenEndpoint && recorded.method === 'POST' && recorded.path === '/v1/oauth/token') {
      return send(res, await this.tokenEndpoint(recorded));
    }
    const denied = this.checkAuth(req.headers);
    if (denied) return send(res, denied);
    // The model list is its own endpoint: it never takes a queued message reply.
    if (recorded.method === 'GET' && recorded.path.startsWith('/v1/models')) return send(res, this.modelsReply ?? this.listModels(recorded.path));
    const endpoint = new URL(recorded.path, 'http://stand-in').pathname;
    if (recorded.method === 'POST' && (endpoint === '/v1/messages' || endpoint === COUNT_TOKENS)) {
      const broken =
        checkVersion(req.headers) ?? checkRequired(recorded.body, endpoint === COUNT_TOKENS) ?? checkMessagesRequest(recorded.body);
      if (broken) return send(res, { kind: 'error', ...broken });
      // Counting is its own endpoint: it never takes a queued message reply.
      if (endpoint === COUNT_TOKENS) return send(res, { kind: 'json', body: { input_tokens: estimateTokens(recorded.body) } });
    }
    let reply: Reply;
    try {
      reply = await (this.queue.shift() ?? this.fallback)(recorded);
    } catch (error) {
      // A test's handler that throws answers at once, as the API's own 500 does, instead of leaving the call to hang.
      reply = { kind: 'error', status: 500, type: 'api_error', message: `stand-in handler failed: ${(error as Error)?.message ?? error}` };
    }
    if (this.meterUsage && recorded.method === 'POST') reply = withUsage(reply, this.promptCache.account(recorded.body));
    await send(res, reply);
  }

  /** `GET /v1/models`, paged as the real endpoint pages (`limit`, `after_id`). */
  private listModels(path: string): Reply {
    const query = new URL(path, 'http://stand-in').searchParams;
    const limit = Number(query.get('limit') ?? 20);
    const after = query.get('after_id');
    const start = after ? this.models.findIndex((m) => m.id === after) + 1 : 0;
    const page = this.models.slice(start, start + limit);
    return {
      kind: 'json',
      body: {
        data: page,
        has_more: start + limit < this.models.length,
        first_id: page[0]?.id ?? null,
        last_id: page.at(-1)?.id ?? null,
      },
    };
  }

  /** The real API's answers to missing, wrong or expired credentials. */
  private checkAuth(headers: IncomingHttpHeaders): Reply | null {
    if (!this.auth) return null;
    const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
    const apiKey = headers['x-api-key'] as string | undefined;
    const credential = apiKey ?? bearer;
    const deny = (message: string): Reply => ({ kind: 'error', status: 401, type: 'authentication_error', message });
    if (!credential) return deny('x-api-key header is required');
    // A Console API key is taken as x-api-key only, as the real API does; a bearer token must be OAuth's.
    if (apiKey !== undefined && this.auth.apiKeys?.includes(apiKey)) return null;
    if (apiKey === undefined && bearer && !bearer.startsWith('sk-ant-oat') && this.auth.apiKeys?.includes(bearer)) {
      return deny('invalid x-api-key');
    }
    const isOAuth = credential.startsWith('sk-ant-oat');
    const oauthBeta = String(headers['anthropic-beta'] ?? '').split(',').map((s) => s.trim()).includes(OAUTH_BETA);
    if (isOAuth && !oauthBeta) {
      return deny('OAuth authentication is currently not supported.');
    }
    if (this.auth.expiredTokens?.includes(credential)) {
      return deny('OAuth token has expired. Please obtain a new token or refresh your existing token.');
    }
    if (bearer && this.auth.oauthTokens?.includes(credential)) return null;
    const issued = bearer ? this.auth.issuedTokens?.(bearer) : undefined;
    if (issued && issued !== 'unknown') {
      if (!oauthBeta) return deny('OAuth authentication is currently not supported.');
      return issued === 'valid' ? null : deny('OAuth token has expired. Please obtain a new token or refresh your existing token.');
    }
    return deny('invalid x-api-key');
  }
}

async function send(res: ServerResponse, reply: Reply): Promise<void> {
  const requestId = nextId('req');
  switch (reply.kind) {
    case 'destroy':
      res.socket?.destroy();
      return;
    case 'error':
      res.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': requestId, ...reply.headers });
      res.end(
        JSON.stringify({ type: 'error', error: { type: reply.type, message: reply.message }, request_id: requestId }),
      );
      return;
    case 'json':
      if (reply.delayMs) await sleep(reply.delayMs);
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', 'request-id': requestId, ...reply.headers });
      res.end(JSON.stringify(reply.body));
      return;
    case 'sse':
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'request-id': requestId,
        ...reply.headers,
      });
      for (const step of reply.steps) {
        if (res.destroyed) return;
        if ('wait' in step) await sleep(step.wait);
        else if ('destroy' in step) {
          // Let what was written reach the client first, as a real mid-stream break would.
          await new Promise((resolve) => res.write('', resolve));
          await sleep(20);
          res.socket?.destroy();
          return;
        } else {
          const written = res.write('raw' in step ? step.raw : `event: ${step.event}\ndata: ${JSON.stringify(step.data)}\n\n`);
          if (!written && !Array.isArray(reply.steps)) await drained(res);
        }
      }
      res.end();
      return;
  }
}

/** The reply with its usage replaced by what the stand-in metered for the request. */
function withUsage(reply: Reply, metered: CacheUsage): Reply {
  if (reply.kind === 'json') {
    const body = reply.body as any;
    return body?.usage ? { ...reply, body: { ...body, usage: { ...body.usage, ...metered } } } : reply;
  }
  if (reply.kind !== 'sse') return reply;
  const steps = Array.from(reply.steps).map((step): SseStep => {
    if (!('event' in step)) return step;
    const data = step.data as any;
    if (data?.type === 'message_start') return { ...step, data: { ...data, message: { ...data.message, usage: { ...data.message.usage, ...metered } } } };
    if (data?.type === 'message_delta') {
      const { cache_creation: _, ...counts } = metered;
      return { ...step, data: { ...data, usage: { ...data.usage, ...counts } } };
    }
    return step;
  });
  return { ...reply, steps };
}

const COUNT_TOKENS = '/v1/messages/count_tokens';

/** The real API refuses a Messages call that does not say which version of the API it speaks. */
function checkVersion(headers: IncomingHttpHeaders): RuleViolation | null {
  if (headers['anthropic-version']) return null;
  return { status: 400, type: 'invalid_request_error', message: 'anthropic-version: header is required' };
}

/** Fields the real API requires: `max_tokens` on a message, not on a count. */
function checkRequired(body: any, counting: boolean): RuleViolation | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { status: 400, type: 'invalid_request_error', message: 'Input should be a valid dictionary' };
  }
  for (const field of counting ? ['model', 'messages'] : ['model', 'max_tokens', 'messages']) {
    if (body[field] === undefined) return { status: 400, type: 'invalid_request_error', message: `${field}: Field required` };
  }
  return null;
}

/** What count_tokens answers: the request's system, messages and tools at about 4 characters a token. */
function estimateTokens(body: any): number {
  return Math.max(1, Math.ceil(JSON.stringify([body.system ?? '', body.messages, body.tools ?? []]).length / 4));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Until the client has read what is queued, or has gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// ---------------------------------------------------------------------------
// Builders for what the real API sends.

export interface ToolUseSpec {
  id?: string;
  name: string;
  input: unknown;
}

export interface MessageSpec {
  /** A server-side web search Claude ran before answering (server_tool_use + web_search_tool_result). */
  webSearch?: { query: string; url: string; title: string };
  text?: string;
  thinking?: string;
  /** A redacted thinking block (its opaque `data` is made from this seed). */
  redactedThinking?: string;
  toolUses?: ToolUseSpec[];
  stopReason?: string;
  model?: string;
  usage?: Partial<{
    input_tokens: number;
    output_tokens: number;
    cache_creation_input_tokens: number;
    cache_read_input_tokens: number;
  }>;
}

function blocks(spec: MessageSpec): any[] {
  const out: any[] = [];
  if (spec.thinking) out.push({ type: 'thinking', thinking: spec.thinking, signature: signThinking(spec.thinking) });
  if (spec.redactedThinking) out.push({ type: 'redacted_thinking', data: redactedData(spec.redactedThinking) });
  if (spec.webSearch) {
    const id = nextId('srvtoolu');
    out.push({ type: 'server_tool_use', id, name: 'web_search', input: { query: spec.webSearch.query }, caller: { type: 'direct' } });
    out.push({
      type: 'web_search_tool_result',
      tool_use_id: id,
      caller: { type: 'direct' },
      content: [{ type: 'web_search_result', url: spec.webSearch.url, title: spec.webSearch.title, encrypted_content: 'enc', page_age: null }],
    });
  }
  if (spec.text !== undefined) {
    // Text after a web search cites what it found, as the real API does.
    const citations = spec.webSearch
      ? [{ type: 'web_search_result_location', url: spec.webSearch.url, title: spec.webSearch.title, cited_text: spec.text, encrypted_index: 'enc' }]
      : null;
    out.push({ type: 'text', text: spec.text, citations });
  }
  for (const t of spec.toolUses ?? []) {
    out.push({ type: 'tool_use', id: t.id ?? nextId('toolu'), name: t.name, input: t.input, caller: { type: 'direct' } });
  }
  return out;
}

function usage(spec: MessageSpec) {
  return {
    input_tokens: 12,
    output_tokens: 7,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: null,
    inference_geo: null,
    output_tokens_details: null,
    server_tool_use: null,
    service_tier: 'standard',
    ...spec.usage,
  };
}

/** A complete non-streaming Messages API response body. */
export function message(spec: MessageSpec = { text: 'Hello!' }) {
  return {
    id: nextId('msg'),
    type: 'message',
    role: 'assistant',
    model: spec.model ?? 'claude-sonnet-5-5',
    content: blocks(spec),
    stop_reason: spec.stopReason ?? (spec.toolUses?.length ? 'tool_use' : 'end_turn'),
    stop_sequence: null,
    stop_details: null,
    container: null,
    usage: usage(spec),
  };
}

export const jsonReply = (spec?: MessageSpec, headers?: Record<string, string>): Reply => ({
  kind: 'json',
  body: message(spec),
  headers,
});

export const errorReply = (status: number, type: string, text: string, headers?: Record<string, string>): Reply => ({
  kind: 'error',
  status,
  type,
  message: text,
  headers,
});

/** Split a string into pieces of at most `size` characters, never inside a surrogate pair. */
export function fragments(text: string, size: number): string[] {
  const chars = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out.length ? out : [''];
}

/**
 * The event sequence the real API streams for a message: message_start,
 * per block content_block_start / deltas / content_block_stop (text and tool
 * input split into fragments), a ping, message_delta with the final usage,
 * message_stop.
 */
export function streamSteps(spec: MessageSpec = { text: 'Hello!' }, options: { fragment?: number; gapMs?: number } = {}): SseStep[] {
  const size = options.fragment ?? 3;
  const full = message(spec);
  const steps: SseStep[] = [];
  const gap = () => {
    if (options.gapMs) steps.push({ wait: options.gapMs });
  };
  steps.push({
    event: 'message_start',
    data: {
      type: 'message_start',
      message: { ...full, content: [], stop_reason: null, usage: { ...full.usage, output_tokens: 1 } },
    },
  });
  steps.push({ event: 'ping', data: { type: 'ping' } });
  full.content.forEach((block: any, index: number) => {
    if (block.type === 'text') {
      steps.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'text', text: '', citations: block.citations ? [] : null } } });
      for (const citation of block.citations ?? []) {
        steps.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'citations_delta', citation } } });
      }
      for (const piece of fragments(block.text, size)) {
        gap();
        steps.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } } });
      }
    } else if (block.type === 'thinking') {
      steps.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } } });
      for (const piece of fragments(block.thinking, size)) {
        gap();
        steps.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: piece } } });
      }
      steps.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } } });
    } else if (block.type === 'redacted_thinking' || block.type === 'web_search_tool_result') {
      steps.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: block } });
    } else {
      steps.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { ...block, input: {} } } });
      for (const piece of fragments(JSON.stringify(block.input), size)) {
        gap();
        steps.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } } });
      }
    }
    steps.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  });
  steps.push({
    event: 'message_delta',
    data: {
      type: 'message_delta',
      delta: { stop_reason: full.stop_reason, stop_sequence: null, stop_details: null, container: null },
      usage: {
        input_tokens: full.usage.input_tokens,
        output_tokens: full.usage.output_tokens,
        cache_creation_input_tokens: full.usage.cache_creation_input_tokens,
        cache_read_input_tokens: full.usage.cache_read_input_tokens,
        output_tokens_details: null,
        server_tool_use: null,
      },
    },
  });
  steps.push({ event: 'message_stop', data: { type: 'message_stop' } });
  return steps;
}

export const sseReply = (spec?: MessageSpec, options?: { fragment?: number; gapMs?: number }): Reply => ({
  kind: 'sse',
  steps: streamSteps(spec, options),
});

/** A message in the form the request asked for: an SSE event stream when it streams, JSON otherwise. */
export const messageReply =
  (spec?: MessageSpec, options?: { fragment?: number; gapMs?: number }): Handler =>
  (req) =>
    req.body?.stream ? sseReply(spec, options) : jsonReply(spec);

/** Without a queued reply: a short text answer, in the form the request asked for. */
const defaultHandler: Handler = (req) => messageReply({ text: 'Hello from the stand-in.', model: req.body?.model })(req);
