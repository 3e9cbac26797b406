import './node-dispatcher.js';
import { STATUS_CODES } from 'node:http';
import type { Dispatcher } from 'undici';
import { errors } from './undici-parts.js';
import { createUpstreamAgent, request } from './upstream-pool.js';

/**
 * A `fetch` for the Anthropic SDK built on `undici.request`: the SDK only
 * needs a status, headers and a body it can iterate, and Node's built-in
 * fetch spends most of its time on what the SDK does not use (WHATWG
 * streams, Request/Response bookkeeping). Measured with the bench, the
 * built-in fetch cost more CPU per request than the rest of the gateway.
 *
 * What the SDK keeps doing itself, unchanged: timeouts (it aborts the
 * signal), retries, error mapping, SSE parsing. So the pool sets no timers
 * of its own, and an aborted request fails as an `AbortError`, the way the
 * SDK recognises a timeout or a caller's abort.
 *
 * `undici-fetch.contract.spec.ts` pins the returned object against the SDK.
 */
export interface UndiciFetch {
  fetch: typeof fetch;
  /** Closes the pooled keep-alive connections; for shutdown. */
  close(): Promise<void>;
}

/**
 * Where a call's answer headers are left for its caller, without the SDK's
 * `withResponse()` (a second promise and a `Promise.all` per call, about 3 %
 * of a request's CPU, measured): the caller passes `answerSeen(sink)` as the
 * call's `fetchOptions`, which the SDK hands to `fetch` with the rest of its
 * init (its documented option: "additional RequestInit options to be passed
 * to fetch calls"), and the transport puts the headers of the answer in the
 * sink, the last one when the SDK retried. undici-fetch.contract.spec.ts
 * checks that the SDK still passes the option through.
 */
export interface AnswerSink {
  headers: Headers | null;
}

const SINK = Symbol('answer sink');

/** The `fetchOptions` of a call whose answer headers go to `sink`. */
export function answerSeen<Options>(sink: AnswerSink): Options {
  return { [SINK]: sink } as Options;
}

export interface UndiciFetchOptions {
  /** Idle keep-alive connections are closed after this long. */
  keepAliveTimeoutMs?: number;
}

export function createUndiciFetch(options: UndiciFetchOptions = {}): UndiciFetch {
  // One Agent keeps one keep-alive pool per upstream origin (see upstream-pool.ts).
  const agent = createUpstreamAgent({
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    // The SDK times the wait for headers (UPSTREAM_TIMEOUT_MS, its `timeout`)
    // and the upstream port times silence inside a stream; undici's own
    // 300 s defaults would cut long answers short behind their backs.
    headersTimeout: 0,
    bodyTimeout: 0,
  });

  async function undiciFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    if (typeof input !== 'string' && !(input instanceof URL)) throw new TypeError('undici-fetch takes a URL, not a Request');
    const signal = init.signal ?? undefined;
    const { origin, path } = target(input);
    try {
      // The Agent asked directly: undici's own request(url, options) would copy
      // the options by spreading them into an object with more keys, which V8
      // (Node 20) gives a hidden class of its own, a new one every request.
      const answer = await request(agent, {
        origin,
        path,
        method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
        headers: requestHeaders(init.headers),
        body: requestBody(init.body),
        signal,
      });
      const response = new UndiciResponse(answer, String(input));
      const sink = (init as { [SINK]?: AnswerSink })[SINK];
      if (sink) sink.headers = response.headers;
      return response as unknown as Response;
    } catch (error) {
      // undici reports an abort as its own RequestAbortedError or as the signal's reason; the SDK wants an AbortError.
      if (signal?.aborted) throw abortError(error);
      throw error;
    }
  }

  return { fetch: undiciFetch as typeof fetch, close: () => agent.close() };
}

interface Target {
  origin: string;
  path: string;
}

/**
 * The last URL string asked for, and its target: nearly every call is the
 * same `…/v1/messages`, and parsing it again each time is a measurable part
 * of what this transport does per request.
 */
let lastTarget: { input: string; target: Target } | undefined;

/** The origin and path undici's request(url, options) would derive from the URL, with its protocol check. */
function target(input: string | URL): Target {
  if (typeof input === 'string' && lastTarget?.input === input) return lastTarget.target;
  const url = typeof input === 'string' ? new URL(input) : input;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new errors.InvalidArgumentError('Invalid URL protocol: the URL must start with `http:` or `https:`.');
  }
  const parsed = { origin: url.origin, path: url.search ? `${url.pathname}${url.search}` : url.pathname };
  if (typeof input === 'string') lastTarget = { input, target: parsed };
  return parsed;
}

/** Statuses whose responses have no body, as fetch defines them. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * The subset of WHATWG `Response` the SDK reads: status, ok, headers (read
 * like a `Headers`, see ResponseHeaders), url, and a body that is a Node
 * stream the SDK iterates for SSE, or reads whole with `json()`/`text()`. No `clone()`: the SDK only clones
 * for middleware, which this gateway does not use, and if it ever starts,
 * the contract test fails instead of a request at run time.
 */
class UndiciResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly body: Dispatcher.ResponseData['body'] | null;
  readonly redirected = false;
  readonly type = 'basic';

  constructor(
    answer: Dispatcher.ResponseData,
    readonly url: string,
  ) {
    this.status = answer.statusCode;
    this.statusText = STATUS_CODES[answer.statusCode] ?? '';
    this.headers = new ResponseHeaders(answer.headers) as unknown as Headers;
    if (NULL_BODY.has(answer.statusCode)) {
      // Read to the end so the connection goes back to the pool.
      answer.body.dump().catch(() => undefined);
      this.body = null;
    } else {
      this.body = answer.body;
    }
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get bodyUsed(): boolean {
    return this.body?.bodyUsed ?? false;
  }

  async json(): Promise<unknown> {
    return this.body ? this.body.json() : JSON.parse('');
  }

  async text(): Promise<string> {
    return this.body ? this.body.text() : '';
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.body ? this.body.arrayBuffer() : new ArrayBuffer(0);
  }
}

/**
 * The request headers as undici's flat [name, value, ...] list. Without an
 * `accept-encoding` a server may compress as it likes (RFC 9110 §12.5.3),
 * and `undici.request` does not decompress: ask for the identity encoding.
 */
function requestHeaders(headers: RequestInit['headers']): string[] {
  const flat: string[] = [];
  let encoding = false;
  const add = (name: string, value: string) => {
    if (name.toLowerCase() === 'accept-encoding') encoding = true;
    flat.push(name, value);
  };
  if (headers instanceof Headers) headers.forEach((value, name) => add(name, value));
  else if (Array.isArray(headers)) for (const [name, value] of headers) add(name, value);
  else if (headers) for (const [name, value] of Object.entries(headers as Record<string, string>)) add(name, value);
  if (!encoding) flat.push('accept-encoding', 'identity');
  return flat;
}

function requestBody(body: RequestInit['body']): string | Uint8Array | null {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  // The SDK sends JSON strings for every call this gateway makes (no uploads).
  throw new TypeError(`undici-fetch cannot send a ${Object.prototype.toString.call(body)} body`);
}

/**
 * A response's headers as the SDK reads them (`get`, and `entries()` on
 * every response, for its log line), read straight from undici's object,
 * whose names are already lowercase. A WHATWG `Headers` would check every
 * name and value again on the way in and sort them all for `entries()`: a
 * measurable share of a request's CPU for headers that are read once.
 * Read-only: nothing writes to a response's headers.
 */
export class ResponseHeaders implements Iterable<[string, string]> {
  // Private, so a logger that lists an object's own fields finds nothing to print (a cookie, say).
  readonly #raw: Dispatcher.ResponseData['headers'];

  constructor(raw: Dispatcher.ResponseData['headers']) {
    this.#raw = raw;
  }

  get(name: string): string | null {
    const value = this.#value(name.toLowerCase());
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  has(name: string): boolean {
    return this.#value(name.toLowerCase()) !== undefined;
  }

  getSetCookie(): string[] {
    const value = this.#value('set-cookie');
    return value === undefined ? [] : Array.isArray(value) ? [...value] : [value];
  }

  forEach(callback: (value: string, name: string, headers: ResponseHeaders) => void): void {
    for (const [name, value] of this) callback(value, name, this);
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.#raw).sort()) {
      const value = this.get(name);
      if (value !== null) yield [name, value];
    }
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this) yield name;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  /** Own names only: `get('constructor')` is not Object's. */
  #value(name: string): string | string[] | undefined {
    return Object.hasOwn(this.#raw, name) ? this.#raw[name] : undefined;
  }
}

function abortError(cause: unknown): Error {
  if (cause instanceof Error && cause.name === 'AbortError') return cause;
  const error = new Error('This operation was aborted', { cause });
  error.name = 'AbortError';
  return error;
}
