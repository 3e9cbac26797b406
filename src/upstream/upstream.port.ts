import Anthropic from '@anthropic-ai/sdk';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Credential } from '../auth/credential.js';
import { AppConfig } from '../config/app-config.js';
import { Tracing } from '../tracing/tracing.js';
import { createAnthropicClient } from './anthropic-client.js';
import { messageToEvents } from './message-events.js';
import type { MessageRequest } from './message-request.js';
import { createUndiciFetch } from '../common/fast/undici-fetch.js';
import { fromUpstream, malformedUpstream } from './upstream-errors.js';
import { isUpstreamFailure, observedList, StreamNotes, type UpstreamObserver } from './upstream-observer.js';
import { type StreamWatch, watchedEvents } from './watched-events.js';

export type { MessageRequest } from './message-request.js';
export { UPSTREAM_REQUEST_ID } from './upstream-errors.js';
export type { UpstreamObserver } from './upstream-observer.js';

const MODEL_LIST_TIMEOUT_MS = 10_000;

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
}

/**
 * The gateway's one way to Anthropic. It owns the SDK client and its
 * transport, the retry after a rejected login token, the silence timer, and
 * the mapping of whatever the SDK throws to GatewayErrors; nothing outside
 * this folder imports the SDK at runtime.
 */
@Injectable()
export class UpstreamPort implements OnApplicationShutdown {
  private readonly transport = createUndiciFetch();
  private readonly client: Anthropic;
  private readonly retryRejected: boolean;
  private readonly silenceMs: number;

  constructor(config: AppConfig, credential: Credential, @Inject(Tracing) tracing: Tracing) {
    this.client = createAnthropicClient(config, credential.auth, this.transport.fetch, tracing.sdkOption());
    this.retryRejected = credential.auth.kind === 'bearer' && credential.auth.retryRejected;
    this.silenceMs = config.get('UPSTREAM_TIMEOUT_MS');
  }

  /**
   * Streams one message. Resolves once upstream has accepted the request, so
   * an upstream refusal (429, 400, ...) is still a GatewayError with its
   * status before any byte reaches the client.
   */
  stream(request: MessageRequest, client: AbortSignal, observer?: UpstreamObserver): Promise<UpstreamStream> {
    const open = async () => {
      const { data, request_id } = await this.client.messages
        .create(withStream(request, true), { signal: client })
        .withResponse();
      const watch = streamWatch(data.controller, client, this.silenceMs);
      const notes = observer && new StreamNotes(observer);
      return { events: watchedEvents(data, watch, notes), requestId: request_id ?? null, cancel: watch.abortUpstream };
    };
    return this.call(open, observer);
  }

  /**
   * One whole message, for a client that does not stream, as the same
   * events a stream would carry. Asked for without streaming when that is
   * safe, since one JSON answer costs far less than a stream of events;
   * otherwise streamed (see `mustStream`).
   */
  message(request: MessageRequest, client: AbortSignal, observer?: UpstreamObserver): Promise<UpstreamStream> {
    if (this.mustStream(request.max_tokens)) return this.stream(request, client, observer);
    const ask = async () => {
      // The SDK notes `request-id` on the message itself: no `withResponse()` and its second promise.
      const message = await this.client.messages.create(withStream(request, false), { signal: client });
      // The answer is complete already: nothing left to stop.
      return { events: wholeMessageEvents(message), requestId: message._request_id ?? null, cancel: noCancel };
    };
    return this.call(ask, observer);
  }

  /**
   * Every model the credential can use, as upstream lists it (all pages).
   * Bounded in time: a model list is not worth a long wait.
   */
  async listModels(timeoutMs = MODEL_LIST_TIMEOUT_MS): Promise<Anthropic.ModelInfo[]> {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      return await this.withRejectedRetry(async () => {
        const models: Anthropic.ModelInfo[] = [];
        for await (const model of this.client.models.list({ limit: 1000 }, { signal, maxRetries: 0 })) models.push(model);
        return models;
      });
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

  /** Opens the call, with the 401 retry, the error mapping and the observer's notes, whichever way it is sent. */
  private async call(open: () => Promise<UpstreamStream>, observer?: UpstreamObserver): Promise<UpstreamStream> {
    observer?.upstreamStarted();
    try {
      // Only a login's token is retried after a 401: otherwise one async layer less per request.
      const opened = await (this.retryRejected ? this.withRejectedRetry(open) : open());
      observer?.upstreamAccepted(opened.requestId);
      const { events } = opened;
      // A stream's events are noted as they pass (`stream` gave them the observer); a whole message's, at once.
      if (!observer || !isList(events)) return opened;
      return { events: observedList(events, observer), requestId: opened.requestId, cancel: opened.cancel };
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

  /**
   * With the Claude Code login, a 401 is tried once more whatever
   * UPSTREAM_MAX_RETRIES says: the rejected token is renewed (or explained)
   * before the retry, so the request that met the 401 is the one that benefits.
   */
  private async withRejectedRetry<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!this.retryRejected || !(error instanceof Anthropic.AuthenticationError)) throw error;
      return call();
    }
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

/** A whole message's events; a body without the documented shape is upstream's 502, not a broken connection. */
function wholeMessageEvents(message: Anthropic.Message): Anthropic.RawMessageStreamEvent[] {
  try {
    return messageToEvents(message);
  } catch (error) {
    throw malformedUpstream('message', error);
  }
}
