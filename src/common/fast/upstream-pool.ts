import type { Agent as UndiciAgent, Client as UndiciClient, Dispatcher, Pool as UndiciPool } from 'undici';
import { Agent, Client, errors, Pool, RequestHandler } from './undici-parts.js';

/**
 * undici's Agent, whose connections are opened only for a request that is
 * still waiting to be sent.
 *
 * Why: undici (7.x, and 8.x until nodejs/undici#5846) opens a connection
 * for nobody each time a response is aborted mid-body, which is how every
 * stream a client hangs up on ends. The abort destroys the connection (an
 * HTTP/1.1 response cannot be left half read) with an "informational"
 * error, and the client's queue then counts the aborted request as pending
 * again: its next turn connects before it notices that the request was
 * aborted, and the new connection stays in the pool, idle, until the
 * keep-alive timeout, a TCP and TLS handshake to api.anthropic.com each time
 * for nothing (1,000 hang-ups: 1,000 such connections; nodejs/undici#5845).
 *
 * Here each connection's client (one per connection: HTTP/1.1 without
 * pipelining) knows which of the requests given to it still wait to be
 * written, and its connector refuses to connect when none does. undici
 * takes a refused connection as a connection error: the aborted request is
 * dropped from the queue (it has been answered already), the client leaves
 * the pool, and nothing else changes. The pool keeps undici's own size
 * rules: a connection per request in flight, none held idle past the
 * keep-alive timeout, and no connection no request asked for.
 */
export function createUpstreamAgent(options: UndiciAgent.Options): Dispatcher {
  return new Agent({
    ...options,
    factory: (origin, opts) => new Pool(origin, { ...(opts as UndiciPool.Options), factory: waitingClient }),
  });
}

/** `request(dispatcher, options)`, dispatched with a handler that says when it stops waiting for a connection. */
export function request(dispatcher: Dispatcher, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
  return new Promise((resolve, reject) => {
    const handler = new UpstreamRequest(options, (error, data) => (error ? reject(error) : resolve(data)));
    dispatcher.dispatch(options, handler);
  });
}

/** The requests given to one client that are not yet written to its connection. */
type Waiting = Set<UpstreamRequest>;

/** undici's request handler, noting when its request stops waiting: written (`onConnect`) or failed. */
class UpstreamRequest extends RequestHandler {
  private waiting: Waiting | null = null;
  private readonly signal: AbortSignal | null;

  constructor(options: Dispatcher.RequestOptions, callback: (error: Error | null, data: Dispatcher.ResponseData) => void) {
    super(options, callback);
    this.signal = (options.signal as AbortSignal | undefined) ?? null;
  }

  /** Whether a connection would still serve this request (an aborted one is failed once it gets one). */
  get wantsConnection(): boolean {
    return !this.signal?.aborted;
  }

  waitIn(waiting: Waiting): void {
    this.waiting = waiting;
    waiting.add(this);
  }

  override onConnect(abort: (error?: Error) => void, context?: object): void {
    this.stopWaiting();
    super.onConnect(abort, context);
  }

  override onError(error: Error): void {
    this.stopWaiting();
    super.onError(error);
  }

  private stopWaiting(): void {
    this.waiting?.delete(this);
    this.waiting = null;
  }
}

/** Refuses a connection no waiting request wants; undici fails the client's queue with it (aborted requests ignore it). */
class NoRequestWaiting extends errors.UndiciError {
  constructor() {
    super('no request is waiting for this connection');
    this.name = 'NoRequestWaiting';
  }
}

/** A client for one connection, whose connector only connects for a request that waits. */
function waitingClient(origin: URL, opts: object): Dispatcher {
  const { connect } = opts as { connect: UndiciClient.Options['connect'] };
  if (typeof connect !== 'function') throw new TypeError('undici Pool handed its client no connector');
  const client: WaitingClient = new WaitingClient(origin, {
    ...(opts as UndiciClient.Options),
    connect: (options, callback) => {
      if (client.hasWaiting()) return connect(options, callback);
      // Asynchronously, as a real connector answers.
      process.nextTick(callback, new NoRequestWaiting(), null);
    },
  });
  return client;
}

class WaitingClient extends Client {
  private readonly waiting: Waiting = new Set();

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (handler instanceof UpstreamRequest) handler.waitIn(this.waiting);
    return super.dispatch(options, handler);
  }

  hasWaiting(): boolean {
    for (const request of this.waiting) if (request.wantsConnection) return true;
    return false;
  }
}
