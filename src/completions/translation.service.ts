import type Anthropic from '@anthropic-ai/sdk';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import type { MessageRequest } from '../upstream/message-request.js';
import { addChunk, assembledCompletion, createAssembly, type Assembly } from './translation/completion.assembler.js';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from './translation/openai.types.js';
import { toAnthropicRequest, type RequestDefaults } from './translation/request.mapper.js';
import { createStreamState, messageChunks, streamChunks, type StreamState } from './translation/stream.mapper.js';
import { defaultMaxTokens } from './translation/tables.js';

/** Upstream's events: a stream, or a list when upstream answered in one piece. */
type Events = AsyncIterable<Anthropic.RawMessageStreamEvent> | readonly Anthropic.RawMessageStreamEvent[];

/**
 * Chat Completions ⇄ Messages API: the pure mappers composed, with the
 * configured defaults. Both answers come from one mapping of events, so a
 * streaming and a non-streaming client get the same content.
 */
@Injectable()
export class TranslationService {
  private readonly defaults: RequestDefaults;

  constructor(config: AppConfig) {
    const override = config.get('DEFAULT_MAX_TOKENS');
    this.defaults = { maxTokens: override ? () => override : defaultMaxTokens };
  }

  toMessageRequest(request: ChatCompletionRequest): MessageRequest {
    return toAnthropicRequest(request, this.defaults);
  }

  /** `chat.completion.chunk`s, one upstream event at a time. */
  toChunks(events: Events, request: ChatCompletionRequest): AsyncGenerator<ChatCompletionChunk, StreamState> {
    return streamChunks(events, createStreamState(request.model, request.stream_options?.include_usage === true));
  }

  /** The whole `chat.completion`, folded from the same chunks. */
  async toCompletion(events: Events, request: ChatCompletionRequest): Promise<ChatCompletion> {
    const state = createStreamState(request.model, false);
    const assembly = createAssembly();
    if (isList(events)) return fold(messageChunks(events, state), assembly);
    const chunks = streamChunks(events, state);
    for (;;) {
      const next = await chunks.next();
      if (next.done) return assembledCompletion(assembly, next.value);
      addChunk(assembly, next.value);
    }
  }
}

const isList = (events: Events): events is readonly Anthropic.RawMessageStreamEvent[] => Array.isArray(events);

function fold(chunks: Generator<ChatCompletionChunk, StreamState>, assembly: Assembly): ChatCompletion {
  for (;;) {
    const next = chunks.next();
    if (next.done) return assembledCompletion(assembly, next.value);
    addChunk(assembly, next.value);
  }
}
