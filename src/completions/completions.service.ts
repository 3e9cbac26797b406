import { Injectable } from '@nestjs/common';
import { UpstreamPort } from '../upstream/upstream.port.js';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from './translation/openai.types.js';
import { TranslationService } from './translation.service.js';

export interface CompletionResult {
  completion: ChatCompletion;
  requestId: string | null;
}

export interface StreamResult {
  chunks: AsyncIterable<ChatCompletionChunk>;
  requestId: string | null;
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

  async complete(request: ChatCompletionRequest, signal: AbortSignal): Promise<CompletionResult> {
    const { events, requestId } = await this.upstream.message(this.translation.toMessageRequest(request), signal);
    return { completion: await this.translation.toCompletion(events, request), requestId };
  }

  /**
   * Resolves once upstream has accepted the request, so an upstream refusal
   * (429, 400, ...) still reaches the client as a normal JSON error with its
   * status; after that, chunks follow upstream events one for one.
   */
  async stream(request: ChatCompletionRequest, signal: AbortSignal): Promise<StreamResult> {
    const { events, requestId } = await this.upstream.stream(this.translation.toMessageRequest(request), signal);
    return { chunks: this.translation.toChunks(events, request), requestId };
  }
}
