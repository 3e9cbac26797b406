import Anthropic from '@anthropic-ai/sdk';
import { Injectable } from '@nestjs/common';
import { Credential } from '../auth/credential.js';
import { AppConfig } from '../config/app-config.js';
import { createAnthropicClient } from './anthropic-client.js';
import type { MessageRequest } from './message-request.js';
import { fromUpstream } from './upstream-errors.js';
import { watchedEvents } from './watched-events.js';

export type { MessageRequest } from './message-request.js';

const MODEL_LIST_TIMEOUT_MS = 10_000;

export interface UpstreamStream {
  /** Complete (ends with `message_stop`) or throws a GatewayError. */
  events: AsyncIterable<Anthropic.RawMessageStreamEvent>;
  /** Upstream's `request-id`, passed to the client as `x-request-id`. */
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

  constructor(config: AppConfig, credential: Credential) {
    this.client = createAnthropicClient(config, credential.auth);
    this.retryRejected = credential.auth.kind === 'bearer' && credential.auth.retryRejected;
    this.silenceMs = config.get('UPSTREAM_TIMEOUT_MS');
  }

  /**
   * Streams one message. Resolves once upstream has accepted the request, so
   * an upstream refusal (429, 400, ...) is still a GatewayError with its
   * status before any byte reaches the client.
   */
  async stream(request: MessageRequest, client: AbortSignal): Promise<UpstreamStream> {
    // Aborted when the client leaves, or when upstream goes silent for too long.
    const upstream = new AbortController();
    client.addEventListener('abort', () => upstream.abort(), { once: true });
    const open = () =>
      this.client.messages.create({ ...request, stream: true }, { signal: upstream.signal }).withResponse();
    try {
      const { data, request_id } = await this.withRejectedRetry(open);
      const watch = { client, abortUpstream: () => upstream.abort(), silenceMs: this.silenceMs };
      return { events: watchedEvents(data, watch), requestId: request_id ?? null };
    } catch (error) {
      throw fromUpstream(error);
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
