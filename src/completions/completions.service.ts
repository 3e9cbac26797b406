import type Anthropic from '@anthropic-ai/sdk';
import { Injectable } from '@nestjs/common';
import { CredentialProvider } from '../auth/credential-provider.js';
import { OpenAIHttpException } from '../common/openai-error.js';
import type { ChatCompletionRequestDto } from './dto/chat-completion-request.dto.js';
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

@Injectable()
export class CompletionsService {
  constructor(
    private readonly credentials: CredentialProvider,
    private readonly translation: TranslationService,
  ) {}

  async complete(request: ChatCompletionRequestDto, signal: AbortSignal): Promise<CompletionResult> {
    const params = this.translation.toAnthropic(request);
    const { data, request_id } = await this.credentials
      .client()
      .messages.create(params, { signal })
      .withResponse();
    return { completion: this.translation.toChatCompletion(data, request.model), requestId: request_id };
  }

  /**
   * Resolves once upstream has accepted the request, so an upstream refusal
   * (429, 400, ...) still reaches the client as a normal JSON error with its
   * status; after that, chunks follow upstream events one for one.
   */
  async stream(request: ChatCompletionRequestDto, signal: AbortSignal): Promise<StreamResult> {
    const params = this.translation.toAnthropic(request);
    const { data: events, request_id } = await this.credentials
      .client()
      .messages.create({ ...params, stream: true }, { signal })
      .withResponse();
    const state = this.translation.streamState(request.model, request.stream_options?.include_usage === true);
    return { chunks: mapStream(events, state), requestId: request_id };
  }
}

async function* mapStream(
  events: AsyncIterable<Anthropic.RawMessageStreamEvent>,
  state: StreamState,
): AsyncGenerator<ChatCompletionChunk> {
  let stopped = false;
  for await (const event of events) {
    yield* eventToChunks(state, event);
    if (event.type === 'message_stop') stopped = true;
  }
  // A stream that ends without message_stop was cut short: say so rather than finish quietly.
  if (!stopped) {
    throw new OpenAIHttpException(502, 'The upstream stream ended before the message was complete.', 'api_error', {
      code: 'upstream_stream_incomplete',
    });
  }
  yield* finalChunks(state);
}
