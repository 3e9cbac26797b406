import Anthropic from '@anthropic-ai/sdk';
import { Inject, Injectable } from '@nestjs/common';
import { Credential } from '../auth/credential.js';
import { AppConfig } from '../config/app-config.js';
import { Tracing } from '../tracing/tracing.js';
import { createAnthropicClient } from './anthropic-client.js';
import type { MessageRequest } from './message-request.js';
import { fromUpstream } from './upstream-errors.js';
import { isUpstreamFailure, observedEvents, type UpstreamObserver } from './upstream-observer.js';
import { watchedEvents } from './watched-events.js';

export type { MessageRequest } from './message-request.js';
export type { UpstreamObserver } from './upstream-observer.js';

const MODEL_LIST_TIMEOUT_MS = 10_000;

export interface UpstreamStream {
  /** Complete (ends with `message_stop`) or throws a GatewayError. */
  events: AsyncIterable<Anthropic.RawMessageStreamEvent>;
  /** Upstream's `request-id`, passed to the client as `x-upstream-request-id`. */
  requestId: string | null;
}

/**
 * The gateway's one way to Anthropic. It owns the SDK client and its
 * transport, the retry after a rejected login token, the silence timer, and
 * the mapping of whatever the SDK throws to GatewayErrors; nothing outside
 * this folder imports the SDK at runtime.
 */
@Injectable()
export class UpstreamPort {
  private readonly client: Anthropic;
  private readonly retryRejected: boolean;
  private readonly silenceMs: number;

  constructor(config: AppConfig, credential: Credential, @Inject(Tracing) tracing: Tracing) {
    this.client = createAnthropicClient(config, credential.auth, tracing.sdkOption());
    this.retryRejected = credential.auth.kind === 'bearer' && credential.auth.retryRejected;
    this.silenceMs = config.get('UPSTREAM_TIMEOUT_MS');
  }

  /**
   * Streams one message. Resolves once upstream has accepted the request, so
   * an upstream refusal (429, 400, ...) is still a GatewayError with its
   * status before any byte reaches the client.
   */
  async stream(request: MessageRequest, client: AbortSignal, observer?: UpstreamObserver): Promise<UpstreamStream> {
    // Aborted when the client leaves, or when upstream goes silent for too long.
    const upstream = new AbortController();
    client.addEventListener('abort', () => upstream.abort(), { once: true });
    const open = () =>
      this.client.messages.create({ ...request, stream: true }, { signal: upstream.signal }).withResponse();
    observer?.upstreamStarted();
    try {
      const { data, request_id } = await this.withRejectedRetry(open);
      const watch = { client, abortUpstream: () => upstream.abort(), silenceMs: this.silenceMs };
      const events = watchedEvents(data, watch);
      observer?.upstreamAccepted(request_id ?? null);
      return { events: observer ? observedEvents(events, observer, fromUpstream) : events, requestId: request_id ?? null };
    } catch (error) {
      const failure = fromUpstream(error);
      observer?.fail(failure, isUpstreamFailure(failure));
      observer?.upstreamEnded(failure.status === 499 ? 'aborted' : 'error', undefined);
      throw failure;
    }
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
