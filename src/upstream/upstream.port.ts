import Anthropic from '@anthropic-ai/sdk';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { CredentialRefusal } from '../auth/credential-refusal.js';
import { authHeaders, type UpstreamCredential } from '../auth/upstream-auth.js';
import { type Attempt, CredentialPool } from '../auth/pool/credential-pool.js';
import type { RateLimitReading } from '../auth/pool/rate-limits.js';
import { AppConfig } from '../config/app-config.js';
import { Tracing } from '../observability/tracing/tracing.js';
import type { Readable } from 'node:stream';
import { createAnthropicClient } from './anthropic-client.js';
import { type ForwardedAnswer, type ForwardedCall, noteAnswer, passedHeaders, upstreamErrorBody } from './forwarding.js';
import { messageToEvents } from './message-events.js';
import type { MessageRequest } from './message-request.js';
import { type AnswerSink, answerSeen, createUndiciFetch } from '../common/fast/undici-fetch.js';
import { SseNotes, sseEvents } from './sse-events.js';
import { clientClosed, fromUpstream, malformedUpstream, upstreamSilent } from './upstream-errors.js';
import { isUpstreamFailure, observedList, StreamNotes, type UpstreamObserver } from './upstream-observer.js';
import { type StreamWatch, watchedEvents } from './watched-events.js';

export type { ForwardedAnswer, ForwardedCall } from './forwarding.js';
export type { MessageRequest } from './message-request.js';
export type { SseEvent } from './sse-events.js';
export type { UpstreamObserver } from './upstream-observer.js';

const MODEL_LIST_TIMEOUT_MS = 10_000;

type FetchOptions = NonNullable<Parameters<Anthropic['messages']['create']>[1]>['fetchOptions'];

type Events = AsyncIterable<Anthropic.RawMessageStreamEvent> | readonly Anthropic.RawMessageStreamEvent[];

const isList = (events: Events): events is readonly Anthropic.RawMessageStreamEvent[] => Array.isArray(events);

export interface UpstreamStream {
  /**
   * Complete (ends with `message_stop`) or throws a GatewayError. A plain
   * list when upstream answered in one piece: nothing to wait for between events.
   */
  events: Events;
  /** Upstream's `request-id`, passed to the client as `x-upstream-request-id`. */
  requestId: string | null;
  /**
   * Stops the upstream call without reading its events: for a caller that
   * fails before it starts reading (reading, then leaving early, stops it too).
   */
  cancel: () => void;
  /** Who served: the credential's name (never its secret) and its limits as this answer reported them. */
  served: ServedBy;
}

export interface ServedBy {
  credential: string;
  limits: RateLimitReading | undefined;
}

/** How a request is routed among the credentials. */
export interface Route {
  /** The conversation it belongs to: kept on the credential that served the conversation so far. */
  affinity?: string;
}

/** What one try on one credential opens, before the pool says who served. */
type Opened = Omit<UpstreamStream, 'served'>;

/** One try: the credential's headers, and whether the SDK may retry on its own (only on the last credential). */
type Open = (headers: Record<string, string>, maxRetries: 0 | undefined) => Promise<{ value: Opened; headers: Headers | null }>;

/**
 * The gateway's one way to Anthropic. It owns the SDK client and its
 * transport, the silence timer, and
 * the mapping of whatever the SDK throws to GatewayErrors; nothing outside
 * this folder imports the SDK at runtime.
 */
@Injectable()
export class UpstreamPort implements OnApplicationShutdown {
  private readonly transport = createUndiciFetch();
  private readonly client: Anthropic;
  private readonly silenceMs: number;

  constructor(
    config: AppConfig,
    private readonly pool: CredentialPool,
    private readonly refusal: CredentialRefusal,
    @Inject(Tracing) tracing: Tracing,
  ) {
    this.client = createAnthropicClient(config, this.transport.fetch, tracing.sdkOption());
    this.silenceMs = config.get('UPSTREAM_TIMEOUT_MS');
  }

  /**
   * Streams one message. Resolves once upstream has accepted the request, so
   * an upstream refusal (429, 400, ...) is still a GatewayError with its
   * status before any byte reaches the client.
   */
  stream(request: MessageRequest, client: AbortSignal, observer?: UpstreamObserver, route?: Route): Promise<UpstreamStream> {
    const open: Open = async (headers, maxRetries) => {
      const { data, request_id, response } = await this.client.messages
        .create(withStream(request, true), { signal: client, headers, maxRetries })
        .withResponse();
      const watch = streamWatch(data.controller, client, this.silenceMs);
      const notes = observer && new StreamNotes(observer);
      const value = { events: watchedEvents(data, watch, notes), requestId: request_id ?? null, cancel: watch.abortUpstream };
      return { value, headers: response.headers };
    };
    return this.call(open, client, observer, route);
  }

  /**
   * One whole message, for a client that does not stream, as the same
   * events a stream would carry. Asked for without streaming when that is
   * safe, since one JSON answer costs far less than a stream of events;
   * otherwise streamed (see `mustStream`).
   */
  message(request: MessageRequest, client: AbortSignal, observer?: UpstreamObserver, route?: Route): Promise<UpstreamStream> {
    if (this.mustStream(request.max_tokens)) return this.stream(request, client, observer, route);
    const ask: Open = async (headers, maxRetries) => {
      // The answer's headers, for the credential's limits, as the transport saw them (see answerSeen).
      const seen: AnswerSink = { headers: null };
      const message = await this.client.messages.create(withStream(request, false), { signal: client, headers, maxRetries, fetchOptions: answerSeen<FetchOptions>(seen) });
      // The answer is complete already: nothing left to stop. The SDK notes `request-id` on the message itself.
      const value = { events: wholeMessageEvents(message), requestId: message._request_id ?? null, cancel: noCancel };
      return { value, headers: seen.headers };
    };
    return this.call(ask, client, observer, route);
  }

  /**
   * Sends a Messages API call upstream as the client made it (its body's
   * bytes, its anthropic-* headers) and hands back the answer unread, for a
   * door that relays it: a JSON body as text, an SSE stream event by event
   * as upstream wrote it. Everything else is the port's as for every call:
   * the credential (and its OAuth beta, added to the client's list), the
   * 401 renewal, retries, the transport, the silence timer, the observer.
   *
   * An error upstream answered with is an answer too (its status, headers
   * and body as sent); a GatewayError is thrown only where upstream gave no
   * answer (unreachable, silent, the client gone, no credential).
   */
  async forward(call: ForwardedCall, client: AbortSignal, observer?: UpstreamObserver, route?: Route): Promise<ForwardedAnswer> {
    observer?.upstreamStarted();
    let response: Response;
    try {
      // Each credential in turn, as for every call: the pool fails over on 429/529 and resting
      // credentials, CredentialRefusal decides what a 401 means.
      const attempt: Attempt<Response> = (credential, last) =>
        this.refusal.send(credential, async (secret) => {
          const headers = withCredential(call.headers, authHeaders(credential, secret));
          const sent = this.client.post(call.path, { body: call.body, headers, signal: client, maxRetries: last ? undefined : 0 });
          const answer = await sent.asResponse();
          return { value: answer, headers: answer.headers };
        });
      response = (await this.pool.serve(route?.affinity, attempt, client)).value;
    } catch (error) {
      const failure = fromUpstream(error);
      observer?.fail(failure, isUpstreamFailure(failure));
      const answered = error instanceof Anthropic.APIError && !(error instanceof Anthropic.APIConnectionError) && error.status !== undefined;
      observer?.upstreamEnded(failure.status === 499 ? 'aborted' : 'error', undefined);
      if (!answered) throw failure;
      observer?.upstreamAccepted(error.requestID ?? null);
      return { kind: 'json', status: error.status, headers: passedHeaders(error.headers), body: upstreamErrorBody(error, failure.type) };
    }
    const headers = passedHeaders(response.headers);
    observer?.upstreamAccepted(headers['request-id'] ?? null);
    const body = response.body as unknown as Readable | null;
    if (body && headers['content-type']?.startsWith('text/event-stream')) {
      const watch = { client, abortUpstream: () => body.destroy(), silenceMs: this.silenceMs };
      const events = watchedEvents(sseEvents(body), watch, observer && new SseNotes(observer));
      return { kind: 'sse', status: response.status, headers, events, cancel: watch.abortUpstream };
    }
    const text = await this.readWhole(response, body, client, observer);
    if (observer) noteAnswer(text, observer);
    return { kind: 'json', status: response.status, headers, body: text };
  }

  /** A JSON answer's body, read under the silence timer: headers followed by nothing must not hold the request forever. */
  private async readWhole(response: Response, body: Readable | null, client: AbortSignal, observer?: UpstreamObserver): Promise<string> {
    let silent = false;
    const timer = setTimeout(() => {
      silent = true;
      body?.destroy();
    }, this.silenceMs);
    try {
      return await response.text();
    } catch (error) {
      const failure = silent
        ? upstreamSilent()
        : client.aborted
          ? clientClosed()
          : fromUpstream(error);
      observer?.fail(failure, isUpstreamFailure(failure));
      observer?.upstreamEnded(failure.status === 499 ? 'aborted' : 'error', undefined);
      throw failure;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Every model the credential can use, as upstream lists it (all pages).
   * Bounded in time: a model list is not worth a long wait.
   */
  async listModels(timeoutMs = MODEL_LIST_TIMEOUT_MS): Promise<Anthropic.ModelInfo[]> {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const list: Attempt<Anthropic.ModelInfo[]> = (credential) =>
        this.refusal.send(credential, async (secret) => {
          const models: Anthropic.ModelInfo[] = [];
          const options = { signal, maxRetries: 0, headers: authHeaders(credential, secret) };
          for await (const model of this.client.models.list({ limit: 1000 }, options)) models.push(model);
          // A model list says nothing of the limits messages meet: not noted.
          return { value: models, headers: null };
        });
      return (await this.pool.serve(undefined, list, signal)).value;
    } catch (error) {
      throw fromUpstream(error);
    }
  }

  /**
   * A non-streaming call stays silent until the whole answer exists. The
   * SDK refuses one it expects to run past its own budget
   * (`calculateNonstreamingTimeout` throws: about 21k output tokens), and
   * that budget must also fit in UPSTREAM_TIMEOUT_MS, the longest this
   * gateway waits without a byte; anything larger is streamed and assembled,
   * where silence is timed between events instead.
   */
  private mustStream(maxTokens: number): boolean {
    try {
      return this.client.calculateNonstreamingTimeout(maxTokens) > this.silenceMs;
    } catch {
      return true;
    }
  }

  /** Opens the call, with the credential (and what a 401 means), the error mapping and the observer's notes. */
  private async call(open: Open, client: AbortSignal, observer?: UpstreamObserver, route?: Route): Promise<UpstreamStream> {
    observer?.upstreamStarted();
    try {
      const attempt: Attempt<Opened> = (credential: UpstreamCredential, last) =>
        this.refusal.send(credential, (secret) => open(authHeaders(credential, secret), last ? undefined : 0));
      const { value: opened, credential, limits } = await this.pool.serve(route?.affinity, attempt, client);
      observer?.upstreamAccepted(opened.requestId);
      const served = { credential, limits };
      const { events } = opened;
      // A stream's events are noted as they pass (`stream` gave them the observer); a whole message's, at once.
      if (!observer || !isList(events)) return { events, requestId: opened.requestId, cancel: opened.cancel, served };
      return { events: observedList(events, observer), requestId: opened.requestId, cancel: opened.cancel, served };
    } catch (error) {
      const failure = fromUpstream(error);
      observer?.fail(failure, isUpstreamFailure(failure));
      observer?.upstreamEnded(failure.status === 499 ? 'aborted' : 'error', undefined);
      throw failure;
    }
  }

  /** Closes the keep-alive connections once the HTTP server has stopped. */
  onApplicationShutdown(): Promise<void> {
    return this.transport.close();
  }
}

/**
 * How a stream is stopped and timed. The stream's own controller is the one
 * its fetch listens to: aborting it on silence needs no controller of ours
 * besides the client's signal. Built out here so that `abortUpstream`, kept
 * for as long as the stream is open, holds on to that controller alone, not
 * to the request it was sent for.
 */
function streamWatch(upstream: AbortController, client: AbortSignal, silenceMs: number): StreamWatch {
  return { client, abortUpstream: () => upstream.abort(), silenceMs };
}

/**
 * The request with the `stream` flag last, as `{ ...request, stream }` would
 * have it, but not spread: V8 (Node 20) gives an object spread from another
 * and then given more keys a hidden class of its own, one more for every
 * request (held while upstream is awaited, and slower to serialize).
 */
function withStream<S extends boolean>(request: MessageRequest, stream: S): MessageRequest & { stream: S } {
  return Object.assign({}, request, { stream });
}

const noCancel = () => undefined;

/**
 * The client's forwarded headers with the credential's: the credential's
 * replace any of the client's, except `anthropic-beta`, where the beta the
 * credential needs (OAuth's) joins the client's list instead of replacing it.
 */
function withCredential(client: Record<string, string | null>, auth: Record<string, string>): Record<string, string | null> {
  const headers = Object.assign({}, client, auth);
  const betas = client['anthropic-beta'];
  const needed = auth['anthropic-beta'];
  if (betas && needed) {
    const listed = betas.split(',').map((beta) => beta.trim());
    headers['anthropic-beta'] = listed.includes(needed) ? betas : `${betas},${needed}`;
  }
  return headers;
}

/** A whole message's events; a body without the documented shape is upstream's 502, not a broken connection. */
function wholeMessageEvents(message: Anthropic.Message): Anthropic.RawMessageStreamEvent[] {
  try {
    return messageToEvents(message);
  } catch (error) {
    throw malformedUpstream('message', error);
  }
}
