import Anthropic from '@anthropic-ai/sdk';
import { HttpException, Injectable } from '@nestjs/common';
import { CredentialProvider } from '../auth/credential-provider.js';
import { OpenAIHttpException } from '../common/openai-error.js';
import type { ChatCompletionRequestDto } from './dto/chat-completion-request.dto.js';
import { addChunk, assembledCompletion, createAssembly } from './translation/completion.assembler.js';
import type { ChatCompletion, ChatCompletionChunk } from './translation/openai.types.js';
import { eventToChunks, finalChunks, type StreamState } from './translation/stream.mapper.js';
import { TranslationService } from './translation.service.js';

export interface CompletionResult {
  completion: ChatCompletion;
  requestId: string | null | undefined;
}

export interface StreamResult {
  chunks: AsyncIterable<ChatCompletionChunk>;
  requestId: string | null | undefined;
}

/**
 * Upstream is always called streaming, also for clients that did not ask to
 * stream: a non-streaming call holds the connection silent until the whole
 * answer exists, so with the large default output budgets it would meet the
 * SDK's "streaming is required" guard, idle-connection drops, or the request
 * timeout. The non-streaming answer is assembled from the same chunks.
 */
@Injectable()
export class CompletionsService {
  constructor(
    private readonly credentials: CredentialProvider,
    private readonly translation: TranslationService,
  ) {}

  async complete(request: ChatCompletionRequestDto, signal: AbortSignal): Promise<CompletionResult> {
    const { chunks, state, requestId } = await this.open(request, signal, false);
    const assembly = createAssembly();
    for await (const chunk of chunks) addChunk(assembly, chunk);
    return { completion: assembledCompletion(assembly, state), requestId };
  }

  /**
   * Resolves once upstream has accepted the request, so an upstream refusal
   * (429, 400, ...) still reaches the client as a normal JSON error with its
   * status; after that, chunks follow upstream events one for one.
   */
  async stream(request: ChatCompletionRequestDto, signal: AbortSignal): Promise<StreamResult> {
    const { chunks, requestId } = await this.open(request, signal, request.stream_options?.include_usage === true);
    return { chunks, requestId };
  }

  private async open(request: ChatCompletionRequestDto, signal: AbortSignal, includeUsage: boolean) {
    const params = this.translation.toAnthropic(request);
    const { data: events, request_id } = await this.credentials.call((client) =>
      client.messages.create({ ...params, stream: true }, { signal }).withResponse(),
    );
    const state = this.translation.streamState(request.model, includeUsage);
    return { chunks: mapStream(events, state), state, requestId: request_id };
  }
}

async function* mapStream(
  events: AsyncIterable<Anthropic.RawMessageStreamEvent>,
  state: StreamState,
): AsyncGenerator<ChatCompletionChunk> {
  const upstream = events[Symbol.asyncIterator]();
  let stopped = false;
  for (;;) {
    let next: IteratorResult<Anthropic.RawMessageStreamEvent>;
    try {
      next = await upstream.next();
    } catch (error) {
      throw readFailure(error);
    }
    if (next.done) break;
    yield* eventToChunks(state, next.value);
    if (next.value.type === 'message_stop') stopped = true;
  }
  // A stream that ends without message_stop was cut short: say so rather than finish quietly.
  if (!stopped) {
    throw new OpenAIHttpException(502, 'The upstream stream ended before the message was complete.', 'api_error', {
      code: 'upstream_stream_incomplete',
    });
  }
  yield* finalChunks(state);
}

/**
 * Reading upstream failed. The SDK's own errors (an `error` event, an abort)
 * keep their meaning; anything else is the connection breaking under the
 * stream (undici's "terminated"), which is a 502, not our 500.
 */
function readFailure(error: unknown): unknown {
  if (error instanceof Anthropic.APIError || error instanceof HttpException) return error;
  return new OpenAIHttpException(502, 'The upstream connection broke before the answer was complete.', 'api_connection_error', {
    code: 'upstream_connection_broken',
  });
}
