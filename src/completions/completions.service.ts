import { Injectable } from '@nestjs/common';
import { withClientPath } from '../translation/shared/error-paths.js';
import { type Route, type ServedBy, type UpstreamObserver, UpstreamPort } from '../upstream/upstream.port.js';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '../translation/chat/openai.types.js';
import { TranslationService } from '../translation/translation.service.js';

export interface CompletionResult {
  completion: ChatCompletion;
  requestId: string | null;
  served: ServedBy;
}

export interface StreamResult {
  chunks: AsyncIterable<ChatCompletionChunk>;
  requestId: string | null;
  /** Stops the upstream call when the stream cannot even be opened to the client. */
  cancel: () => void;
  served: ServedBy;
}

/**
 * One chat completion: translate, call upstream, translate back.
 *
 * A client that does not stream gets its answer from `upstream.message`,
 * which streams upstream only when the answer may be long (see the port);
 * either way the same events are folded into one completion.
 */
@Injectable()
export class CompletionsService {
  constructor(
    private readonly upstream: UpstreamPort,
    private readonly translation: TranslationService,
  ) {}

  /** `tenant`: whose kept thinking the request may use (auth/tenant.ts). */
  async complete(
    request: ChatCompletionRequest,
    tenant: string,
    signal: AbortSignal,
    observer?: UpstreamObserver,
    route?: Route,
  ): Promise<CompletionResult> {
    const { events, requestId, served } = await this.open('message', request, tenant, signal, observer, route);
    return { completion: await this.translation.toCompletion(events, request, tenant), requestId, served };
  }

  /**
   * Resolves once upstream has accepted the request, so an upstream refusal
   * (429, 400, ...) still reaches the client as a normal JSON error with its
   * status; after that, chunks follow upstream events one for one.
   */
  async stream(request: ChatCompletionRequest, tenant: string, signal: AbortSignal, observer?: UpstreamObserver, route?: Route): Promise<StreamResult> {
    const { events, requestId, cancel, served } = await this.open('stream', request, tenant, signal, observer, route);
    return { chunks: this.translation.toChunks(events, request, tenant), requestId, cancel, served };
  }

  /** Upstream's refusal of a block names the client's field, not the translated request's. */
  private async open(
    how: 'stream' | 'message',
    request: ChatCompletionRequest,
    tenant: string,
    signal: AbortSignal,
    observer?: UpstreamObserver,
    route?: Route,
  ) {
    // A plain request (no tool call awaiting its thinking) makes no store call here.
    const recalled = await this.translation.recallThinking(request, tenant);
    const translated = this.translation.toMessageRequest(request, undefined, recalled);
    try {
      return await this.upstream[how](translated.request, signal, observer, route);
    } catch (error) {
      // `paths` is a getter: the blocks are walked for an upstream 400 only.
      throw withClientPath(error, () => translated.paths);
    }
  }
}
