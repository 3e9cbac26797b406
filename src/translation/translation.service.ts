import type Anthropic from '@anthropic-ai/sdk';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { AnswerCap } from './shared/answer-cap.js';
import { ThinkingCache } from './shared/thinking-cache.js';
import type { SignedThinking } from './shared/thinking.js';
import type { MessageRequest } from '../upstream/message-request.js';
import { addChunk, assembledCompletion, chunkBytes, createAssembly, type Assembly } from './chat/completion.assembler.js';
import { isJsonMode, unfencedChunks } from './chat/json-mode.js';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from './chat/openai.types.js';
import { callsAwaitingThinking, mapRequest, type RequestDefaults, type RequestPaths, type ServerTools } from './chat/request.mapper.js';
import { createStreamState, messageChunks, streamChunks, type StreamState } from './chat/stream.mapper.js';
import { answersInFunctionCall, defaultMaxTokens } from './chat/tables.js';

/** Upstream's events: a stream, or a list when upstream answered in one piece. */
type Events = AsyncIterable<Anthropic.RawMessageStreamEvent> | readonly Anthropic.RawMessageStreamEvent[];

/**
 * Chat Completions ⇄ Messages API: the pure mappers composed, with the
 * configured defaults and the gateway's thinking cache. Both answers come
 * from one mapping of events, so a streaming and a non-streaming client get
 * the same content.
 */
@Injectable()
export class TranslationService {
  private readonly defaults: RequestDefaults;
  private readonly maxAssembledBytes: number;

  constructor(
    config: AppConfig,
    private readonly thinking: ThinkingCache,
  ) {
    this.maxAssembledBytes = config.get('MAX_ASSEMBLED_BYTES');
    const override = config.get('DEFAULT_MAX_TOKENS');
    this.defaults = {
      maxTokens: override ? () => override : defaultMaxTokens,
      promptCache: { mode: config.get('PROMPT_CACHE'), ttl: config.get('PROMPT_CACHE_TTL') },
    };
  }

  /**
   * The signed thinking the gateway kept for the tool calls of this request
   * whose thinking the client did not send back: one store read, none when
   * there are no such calls.
   */
  recallThinking(request: ChatCompletionRequest, tenant: string): Promise<ReadonlyMap<string, readonly SignedThinking[]>> {
    return this.thinking.recall(tenant, callsAwaitingThinking(request.messages));
  }

  /**
   * The upstream request, and where each of its blocks came from (for errors
   * that name one). `server`: server tools another endpoint offers besides
   * the chat form's functions. `recalled`: see `recallThinking`.
   */
  toMessageRequest(
    request: ChatCompletionRequest,
    server?: ServerTools,
    recalled?: ReadonlyMap<string, readonly SignedThinking[]>,
  ): { request: MessageRequest; paths: RequestPaths } {
    // Defaults of its own only for a request that recalled something: the shared ones otherwise.
    const defaults = recalled && recalled.size > 0 ? { ...this.defaults, recallThinking: (id: string) => recalled.get(id) } : this.defaults;
    return mapRequest(request, defaults, server);
  }

  /** `chat.completion.chunk`s, one upstream event at a time; the thinking is remembered once the stream completes. */
  toChunks(events: Events, request: ChatCompletionRequest, tenant: string): AsyncGenerator<ChatCompletionChunk, StreamState> {
    const state = createStreamState(request.model, request.stream_options?.include_usage === true, undefined, answersInFunctionCall(request));
    return jsonMode(
      streamChunks(events, state, (final) => this.remember(final, tenant)),
      request,
    );
  }

  /**
   * The whole `chat.completion`, folded from the same chunks. It is held in
   * memory until complete, so its size is capped (MAX_ASSEMBLED_BYTES): past
   * the cap the chunks are closed, which stops upstream, and the client is
   * told to stream instead.
   */
  async toCompletion(events: Events, request: ChatCompletionRequest, tenant: string): Promise<ChatCompletion> {
    const state = createStreamState(request.model, false, undefined, answersInFunctionCall(request));
    const assembly = createAssembly();
    const cap = new AnswerCap(this.maxAssembledBytes);
    // A whole message needs no awaiting between events (unless JSON mode's fence stripper runs).
    const final =
      isList(events) && !isJsonMode(request.response_format)
        ? fold(messageChunks(events, state), assembly, cap)
        : await foldAsync(jsonMode(streamChunks(events, state), request), assembly, cap);
    await this.remember(final, tenant);
    return assembledCompletion(assembly, final);
  }

  /** An answer that called tools: its signed thinking is kept for the next request of the loop (never throws). */
  private async remember(state: StreamState, tenant: string): Promise<void> {
    if (state.thinking.toolCallIds.length > 0) await this.thinking.remember(tenant, state.thinking.toolCallIds, state.thinking.blocks);
  }
}

type Chunks = AsyncGenerator<ChatCompletionChunk, StreamState>;

/** JSON mode is an instruction upstream (json-schema.ts); a fence the model adds anyway comes off. */
const jsonMode = (chunks: Chunks, request: ChatCompletionRequest): Chunks =>
  isJsonMode(request.response_format) ? unfencedChunks(chunks) : chunks;

const isList = (events: Events): events is readonly Anthropic.RawMessageStreamEvent[] => Array.isArray(events);

/** Adds a chunk to the answer held in memory; false once the answer would grow past the cap. */
function add(assembly: Assembly, chunk: ChatCompletionChunk, cap: AnswerCap): boolean {
  if (!cap.take(chunkBytes(chunk))) return false;
  addChunk(assembly, chunk);
  return true;
}

function fold(chunks: Generator<ChatCompletionChunk, StreamState>, assembly: Assembly, cap: AnswerCap): StreamState {
  for (;;) {
    const next = chunks.next();
    if (next.done) return next.value;
    if (!add(assembly, next.value, cap)) throw cap.error();
  }
}

/** Past the cap the chunks are closed, which stops upstream (watchedEvents), before the client is told. */
async function foldAsync(chunks: Chunks, assembly: Assembly, cap: AnswerCap): Promise<StreamState> {
  for (;;) {
    const next = await chunks.next();
    if (next.done) return next.value;
    if (!add(assembly, next.value, cap)) {
      await chunks.return(undefined as never);
      throw cap.error();
    }
  }
}
