import Anthropic from '@anthropic-ai/sdk';
import { HttpException, Injectable } from '@nestjs/common';
import { CredentialProvider } from '../auth/credential-provider.js';
import { AppConfig } from '../config/app-config.js';
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
 * stream. A non-streaming upstream call stays silent until the whole answer
 * exists, so any request timeout caps how long an answer may be, and silent
 * connections get dropped by the network; a stream keeps bytes (and `ping`s)
 * flowing, and its silence can be timed instead. The non-streaming answer is
 * assembled from the same chunks, so both paths answer alike.
 */
@Injectable()
export class CompletionsService {
  private readonly silenceMs: number;

  constructor(
    private readonly credentials: CredentialProvider,
    private readonly translation: TranslationService,
    config: AppConfig,
  ) {
    this.silenceMs = config.get('UPSTREAM_TIMEOUT_MS');
  }

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

  private async open(request: ChatCompletionRequestDto, client: AbortSignal, includeUsage: boolean) {
    const params = this.translation.toAnthropic(request);
    // Aborted when the client leaves, or when upstream goes silent for too long.
    const upstream = new AbortController();
    client.addEventListener('abort', () => upstream.abort(), { once: true });
    const { data: events, request_id } = await this.credentials.call((anthropic) =>
      anthropic.messages.create({ ...params, stream: true }, { signal: upstream.signal }).withResponse(),
    );
    const state = this.translation.streamState(request.model, includeUsage);
    const watch = { client, abortUpstream: () => upstream.abort(), silenceMs: this.silenceMs };
    return { chunks: mapStream(events, state, watch), state, requestId: request_id };
  }
}

interface StreamWatch {
  client: AbortSignal;
  abortUpstream: () => void;
  /** UPSTREAM_TIMEOUT_MS: the longest upstream may stay silent between two events. */
  silenceMs: number;
}

async function* mapStream(
  events: AsyncIterable<Anthropic.RawMessageStreamEvent>,
  state: StreamState,
  watch: StreamWatch,
): AsyncGenerator<ChatCompletionChunk> {
  const upstream = events[Symbol.asyncIterator]();
  const silence = new SilenceTimer(watch);
  let stopped = false;
  try {
    for (;;) {
      let next: IteratorResult<Anthropic.RawMessageStreamEvent>;
      try {
        next = await silence.race(upstream.next());
      } catch (error) {
        throw readFailure(error);
      }
      if (next.done) break;
      yield* eventToChunks(state, next.value);
      if (next.value.type === 'message_stop') stopped = true;
    }
  } finally {
    silence.stop();
  }
  // The SDK ends a stream quietly when it is aborted: that is the client leaving, not upstream failing.
  if (watch.client.aborted) throw new Anthropic.APIUserAbortError();
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
    cause: error,
  });
}

/**
 * One timer per stream, pushed back at every event (not one per event): when
 * upstream stays silent for UPSTREAM_TIMEOUT_MS it is aborted and the read
 * fails with a 504.
 */
class SilenceTimer {
  private readonly timer: NodeJS.Timeout;
  private readonly silent: Promise<never>;
  private pending: Promise<unknown> | null = null;

  constructor(watch: StreamWatch) {
    let fail!: (error: unknown) => void;
    this.silent = new Promise<never>((_, reject) => (fail = reject));
    this.silent.catch(() => undefined);
    this.timer = setTimeout(() => {
      // Once aborted, the read in progress settles on its own; nobody waits for it any more.
      this.pending?.catch(() => undefined);
      watch.abortUpstream();
      fail(
        new OpenAIHttpException(504, 'The upstream Anthropic API stopped sending in the middle of the answer.', 'timeout', {
          code: 'upstream_timeout',
        }),
      );
    }, watch.silenceMs);
  }

  async race<T>(read: Promise<T>): Promise<T> {
    this.pending = read;
    const result = await Promise.race([read, this.silent]);
    this.timer.refresh();
    return result;
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
