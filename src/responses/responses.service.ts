import type Anthropic from '@anthropic-ai/sdk';
import { Injectable, Logger } from '@nestjs/common';
import { GatewayError } from '../common/gateway-error.js';
import { TranslationService } from '../completions/translation.service.js';
import { AnswerCap, eventBytes } from '../translation/answer-cap.js';
import { AppConfig } from '../config/app-config.js';
import { withClientPath } from '../translation/error-paths.js';
import { mapGuarded } from '../translation/malformed-event.js';
import { ThinkingCache } from '../translation/thinking-cache.js';
import { type UpstreamObserver, UpstreamPort } from '../upstream/upstream.port.js';
import { randomHex } from './random-hex.js';
import { jsonBytes, ResponseStore, StoreMiss } from './response-store.js';
import { type ChatTranslation, toAnthropicFromResponses } from './translation/request.mapper.js';
import { responseSkeleton } from './translation/response.skeleton.js';
import type { InputItem, ReasoningItem, ResponseObject, ResponsesRequest, ResponseStreamEvent } from './translation/responses.types.js';
import {
  answerView,
  clientView,
  createResponsesStreamState,
  eventToResponseEvents,
  type ResponsesStreamState,
} from './translation/stream.mapper.js';

export const ENCRYPTED_REASONING = 'reasoning.encrypted_content';

export interface OpenedResponse {
  /**
   * Responses events, one Anthropic event at a time. A completed response is
   * stored at upstream's `message_stop`, before `response.completed` goes out,
   * so a client may continue from it at once.
   */
  events: AsyncIterable<ResponseStreamEvent>;
  state: ResponsesStreamState;
  requestId: string | null;
  /** Tool types left out because Claude has no function for them. */
  omittedTools: string[];
  /** Stops the upstream call when the stream cannot even be opened to the client. */
  cancel: () => void;
}

/**
 * Orchestrates one Responses call: the conversation so far (from the store),
 * the translation, the upstream call (`UpstreamPort.stream` for a streaming
 * client; `.message` otherwise, which asks upstream without streaming when
 * the budget is modest, as for chat completions) and the store once the
 * answer is complete.
 */
@Injectable()
export class ResponsesService {
  private readonly logger = new Logger('Responses');
  private readonly webSearch: boolean;
  /** MAX_ASSEMBLED_BYTES: an answer is held in memory until complete, streamed or not (see `open`). */
  private readonly maxAssembledBytes: number;
  /** The chat translation the Responses mapper goes through, made once. */
  private readonly translateChat: ChatTranslation;

  constructor(
    private readonly upstream: UpstreamPort,
    private readonly translation: TranslationService,
    private readonly store: ResponseStore,
    private readonly thinking: ThinkingCache,
    config: AppConfig,
  ) {
    this.webSearch = config.get('RESPONSES_WEB_SEARCH') === 'anthropic';
    this.maxAssembledBytes = config.get('MAX_ASSEMBLED_BYTES');
    this.translateChat = (chat, server) => translation.toMessageRequest(chat, server);
  }

  /**
   * A streaming answer: the Responses events of each upstream event as it
   * arrives. `requestBytes`: the request body's length, when known, for the
   * store's byte count (see `ResponseStore.put`).
   *
   * The answer is also held as it grows, because the closing events
   * (`response.output_text.done`, `response.completed`) and the store carry
   * it whole: so it is capped like a non-streaming one (MAX_ASSEMBLED_BYTES).
   * Past the cap the stream ends with `response.failed` (`answer_too_large`)
   * and upstream is stopped: a truncated copy in `response.completed` would
   * pass for the whole answer with clients that read it from there.
   */
  async open(request: ResponsesRequest, signal: AbortSignal, observer?: UpstreamObserver, requestBytes?: number): Promise<OpenedResponse> {
    const { events, folder, state, requestId, omittedTools, cancel } = await this.call(request, signal, observer, true, requestBytes);
    const fold = folder(new AnswerCap(this.maxAssembledBytes, true));
    async function* mapped(): AsyncGenerator<ResponseStreamEvent> {
      // A loop, not `yield*` (see streamChunks).
      for await (const event of events) for (const item of fold(event)) yield item;
    }
    return { events: mapped(), state, requestId, omittedTools, cancel };
  }

  /** The non-streaming answer: the same events, folded by the same mapper. */
  async create(
    request: ResponsesRequest,
    signal: AbortSignal,
    observer?: UpstreamObserver,
    requestBytes?: number,
  ): Promise<Omit<OpenedResponse, 'events'> & { response: ResponseObject }> {
    // Fields named, not `...rest`: an object rest or spread is a slow copy in V8, and this runs for every request.
    const { events, folder, state, requestId, omittedTools, cancel } = await this.call(request, signal, observer, false, requestBytes);
    // The answer is held in memory until complete, so it is capped (MAX_ASSEMBLED_BYTES).
    const fold = folder(new AnswerCap(this.maxAssembledBytes));
    const take = (event: Anthropic.RawMessageStreamEvent) => void fold(event);
    // The state is the answer; the events only matter to streaming clients. An
    // answer upstream sent in one piece is a plain list: folded without awaiting
    // between events, as chat completions fold theirs. Leaving the loop early
    // (past the cap) closes upstream's events, which stops the call.
    if (Array.isArray(events)) for (const event of events as readonly Anthropic.RawMessageStreamEvent[]) take(event);
    else for await (const event of events) take(event);
    return { response: answerView(state), state, requestId, omittedTools, cancel };
  }

  /**
   * `emitting: false` for a non-streaming answer: the events are not wanted,
   * only the state they fold into, and upstream may answer in one piece
   * (the port decides). `observer`: the request's metrics and log record.
   * `folder(cap)` makes, once per call, the function that maps one upstream
   * event (and stores the answer once it is complete).
   */
  private async call(
    request: ResponsesRequest,
    signal: AbortSignal,
    observer: UpstreamObserver | undefined,
    emitting: boolean,
    requestBytes: number | undefined,
  ) {
    const { input, borrowedBytes } = this.ownInput(request);
    // What the entry holds that the request did not carry: the items taken from the store.
    const storedBytes = requestBytes === undefined ? undefined : requestBytes + borrowedBytes;
    const history = this.history(request.previous_response_id);
    const { params, paths, tools } = toAnthropicFromResponses(request, { history, input }, this.translateChat, { webSearch: this.webSearch });
    if (tools.omitted.length > 0) {
      this.logger.warn(`left out tools Claude has no function for: ${tools.omitted.join(', ')}`);
    }
    const call = emitting ? this.upstream.stream(params, signal, observer) : this.upstream.message(params, signal, observer);
    const { events, requestId, cancel } = await call.catch((error: unknown) => {
      // Upstream's refusal of a block names the client's field, not the translated request's (paths worked out for a 400 only).
      throw withClientPath(error, paths);
    });
    const state = createResponsesStreamState(responseSkeleton(request, newResponseId()), {
      includeEncrypted: request.include?.includes(ENCRYPTED_REASONING) ?? false,
      names: tools.names,
      emitting,
      jsonMode: request.text?.format?.type === 'json_object',
    });
    const keep = request.store !== false;
    const { store, thinking } = this;
    const keepAnswer = () => {
      if (keep) store.put(state.response, input, request.previous_response_id ?? null, storedBytes);
      // Also kept by tool-call id, shared with chat completions, for clients that send back neither the item nor its id.
      if (state.thinking.length === 0) return;
      const calls = state.response.output.flatMap((item) => (item.type === 'function_call' ? [item.call_id] : []));
      if (calls.length > 0) thinking.remember(calls, state.thinking);
    };
    // Counting reads the event too: a malformed one is upstream's fault there as well.
    const folder = (cap?: AnswerCap) => {
      const map = cap
        ? (current: ResponsesStreamState, event: Anthropic.RawMessageStreamEvent) => {
            if (!cap.take(eventBytes(event))) throw cap.error();
            return eventToResponseEvents(current, event);
          }
        : eventToResponseEvents;
      return (event: Anthropic.RawMessageStreamEvent): ResponseStreamEvent[] => {
        const out = mapGuarded(map, state, event);
        // Kept before `response.completed` goes out: a client may continue from it at once.
        if (event.type === 'message_stop' && state.finished) keepAnswer();
        return out;
      };
    };
    return { events, folder, state, requestId, omittedTools: tools.omitted, cancel };
  }

  get(id: string, includeEncrypted: boolean): ResponseObject {
    const response = this.store.get(id);
    if (!response) throw notFound(id, null, 'response_not_found');
    return includeEncrypted
      ? structuredClone(response)
      : clientView(createResponsesStreamState(response, { includeEncrypted: false, names: new Map() }));
  }

  delete(id: string): { id: string; object: 'response'; deleted: true } {
    if (!this.store.delete(id)) throw notFound(id, null, 'response_not_found');
    return { id, object: 'response', deleted: true };
  }

  /**
   * This request's own items, with what the store knows filled in:
   * `item_reference`s replaced by the items they name, and reasoning items
   * sent back without `encrypted_content` (clients that resend output items
   * without asking for it, such as the Agents SDK) completed with the signed
   * thinking kept for them, which a tool loop with thinking needs.
   * `borrowedBytes`: the size of the items taken from the store, which the
   * request's own bytes do not cover.
   */
  private ownInput(request: ResponsesRequest): { input: InputItem[]; borrowedBytes: number } {
    if (request.input == null) return { input: [], borrowedBytes: 0 };
    if (typeof request.input === 'string') return { input: [{ role: 'user', content: request.input }], borrowedBytes: 0 };
    let borrowedBytes = 0;
    const input = request.input.map((item) => {
      const kept = this.keptFor(item);
      if (!kept) return item;
      borrowedBytes += jsonBytes(kept);
      return kept;
    });
    return { input, borrowedBytes };
  }

  /** The stored item that stands in for `item`, if any (see `ownInput`). */
  private keptFor(item: InputItem): InputItem | undefined {
    const kept = item.id ? this.store.item(item.id) : undefined;
    if (item.type === 'item_reference') return kept;
    if (item.type === 'reasoning' && !(item as ReasoningItem).encrypted_content && kept?.type === 'reasoning') return kept;
    return undefined;
  }

  private history(previousId: string | null | undefined): InputItem[] {
    if (!previousId) return [];
    try {
      return this.store.history(previousId);
    } catch (error) {
      if (error instanceof StoreMiss) throw notFound(previousId, 'previous_response_id', 'previous_response_not_found');
      throw error;
    }
  }
}

/** 404 as OpenAI answers it; the store is per replica, which the message says, since that is the usual cause. */
function notFound(id: string, param: string | null, code: string): GatewayError {
  return new GatewayError(404, `Response with id '${id}' not found. Responses are kept in memory for a limited time, per gateway replica.`, {
    type: 'invalid_request_error',
    param,
    code,
  });
}

function newResponseId(): string {
  return `resp_${randomHex(16)}`;
}
