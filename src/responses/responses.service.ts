import type Anthropic from '@anthropic-ai/sdk';
import { Injectable, Logger } from '@nestjs/common';
import { GatewayError } from '../common/errors/gateway-error.js';
import { TranslationService } from '../translation/translation.service.js';
import { AnswerCap, eventBytes } from '../translation/shared/answer-cap.js';
import { AppConfig } from '../config/app-config.js';
import { withClientPath } from '../translation/shared/error-paths.js';
import { mapGuarded } from '../translation/shared/malformed-event.js';
import { thinkingEntry } from '../translation/shared/thinking-cache.js';
import { conversationKey, responseKey } from '../auth/pool/affinity.js';
import { CredentialPool } from '../auth/pool/credential-pool.js';
import { type ServedBy, type UpstreamObserver, UpstreamPort } from '../upstream/upstream.port.js';
import { randomHex } from './random-hex.js';
import { type Conversation, jsonBytes, ResponseStore, StoreMiss } from './response-store.js';
import { type ChatTranslation, toAnthropicFromResponses } from '../translation/responses/request.mapper.js';
import { responseSkeleton } from '../translation/responses/response.skeleton.js';
import type { FunctionCallItem, InputItem, OutputItem, ReasoningItem, ResponseObject, ResponsesRequest, ResponseStreamEvent } from '../translation/responses/responses.types.js';
import {
  answerView,
  clientView,
  createResponsesStreamState,
  eventToResponseEvents,
  type ResponsesStreamState,
} from '../translation/responses/stream.mapper.js';

export const ENCRYPTED_REASONING = 'reasoning.encrypted_content';

/** Who asks for a response, as the controller knows it: the same for a streaming and a whole answer. */
export interface ResponseCaller {
  /** Whose stored data the request may use and adds to (auth/tenant.ts). */
  tenant: string;
  /** The client's: aborted when it leaves. */
  signal: AbortSignal;
  /** The request's metrics and log record. */
  observer?: UpstreamObserver;
  /** The request body's length, when known, for the store's byte count (see `ResponseStore.save`). */
  requestBytes?: number;
  /** The client's session header, for the credential pool's conversation affinity. */
  sessionHeader?: string | string[];
}

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
  /** The credential that served, and its limits. */
  served: ServedBy;
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
    private readonly pool: CredentialPool,
    config: AppConfig,
  ) {
    this.webSearch = config.get('RESPONSES_WEB_SEARCH') === 'anthropic';
    this.maxAssembledBytes = config.get('MAX_ASSEMBLED_BYTES');
    this.translateChat = (chat, server) => translation.toMessageRequest(chat, server);
  }

  /**
   * A streaming answer: the Responses events of each upstream event as it
   * arrives (`from`: who asks, see ResponseCaller).
   *
   * The answer is also held as it grows, because the closing events
   * (`response.output_text.done`, `response.completed`) and the store carry
   * it whole: so it is capped like a non-streaming one (MAX_ASSEMBLED_BYTES).
   * Past the cap the stream ends with `response.failed` (`answer_too_large`)
   * and upstream is stopped: a truncated copy in `response.completed` would
   * pass for the whole answer with clients that read it from there.
   */
  async open(request: ResponsesRequest, from: ResponseCaller): Promise<OpenedResponse> {
    const { events, folder, state, requestId, omittedTools, cancel, served, saving } = await this.call(request, from, true);
    const fold = folder(new AnswerCap(this.maxAssembledBytes, true));
    async function* mapped(): AsyncGenerator<ResponseStreamEvent> {
      // A loop, not `yield*` (see streamChunks).
      for await (const event of events) {
        const out = fold(event);
        // The answer is stored before `response.completed` goes out: a client may continue from it at once, on any replica.
        const saved = saving();
        if (saved) await saved;
        for (const item of out) yield item;
      }
    }
    return { events: mapped(), state, requestId, omittedTools, cancel, served };
  }

  /** The non-streaming answer: the same events, folded by the same mapper. */
  async create(request: ResponsesRequest, from: ResponseCaller): Promise<Omit<OpenedResponse, 'events'> & { response: ResponseObject }> {
    // Fields named, not `...rest`: an object rest or spread is a slow copy in V8, and this runs for every request.
    const { events, folder, state, requestId, omittedTools, cancel, served, saving } = await this.call(request, from, false);
    // The answer is held in memory until complete, so it is capped (MAX_ASSEMBLED_BYTES).
    const fold = folder(new AnswerCap(this.maxAssembledBytes));
    const take = (event: Anthropic.RawMessageStreamEvent) => void fold(event);
    // The state is the answer; the events only matter to streaming clients. An
    // answer upstream sent in one piece is a plain list: folded without awaiting
    // between events, as chat completions fold theirs. Leaving the loop early
    // (past the cap) closes upstream's events, which stops the call.
    if (Array.isArray(events)) for (const event of events as readonly Anthropic.RawMessageStreamEvent[]) take(event);
    else for await (const event of events) take(event);
    await saving();
    return { response: answerView(state), state, requestId, omittedTools, cancel, served };
  }

  /**
   * `emitting: false` for a non-streaming answer: the events are not wanted,
   * only the state they fold into, and upstream may answer in one piece
   * (the port decides). `observer`: the request's metrics and log record.
   * `folder(cap)` makes, once per call, the function that maps one upstream
   * event (and stores the answer once it is complete).
   */
  private async call(request: ResponsesRequest, { tenant, signal, observer, requestBytes, sessionHeader }: ResponseCaller, emitting: boolean) {
    const conversation = await this.conversation(request, tenant);
    const { input, borrowedBytes } = ownInput(request, conversation.items);
    // What the entry holds that the request did not carry: the items taken from the store.
    const storedBytes = requestBytes === undefined ? undefined : requestBytes + borrowedBytes;
    const { history, thinking: recalled } = conversation;
    const translateChat: ChatTranslation =
      recalled.size > 0 ? (chat, server) => this.translation.toMessageRequest(chat, server, recalled) : this.translateChat;
    const { params, paths, tools } = toAnthropicFromResponses(request, { history, input }, translateChat, { webSearch: this.webSearch });
    if (tools.omitted.length > 0) {
      this.logger.warn(`left out tools Claude has no function for: ${tools.omitted.join(', ')}`);
    }
    const route = {
      affinity: conversationKey({
        promptCacheKey: request.prompt_cache_key,
        sessionHeader,
        previousResponseId: request.previous_response_id,
        user: request.user,
      }),
    };
    const call = emitting ? this.upstream.stream(params, signal, observer, route) : this.upstream.message(params, signal, observer, route);
    const { events, requestId, cancel, served } = await call.catch((error: unknown) => {
      // Upstream's refusal of a block names the client's field, not the translated request's (paths worked out for a 400 only).
      throw withClientPath(error, paths);
    });
    const state = createResponsesStreamState(responseSkeleton(request, newResponseId()), {
      includeEncrypted: request.include?.includes(ENCRYPTED_REASONING) ?? false,
      names: tools.names,
      emitting,
      jsonMode: request.text?.format?.type === 'json_object',
    });
    // The response that continues this one finds the credential that served it.
    this.pool.stick(responseKey(state.response.id), served.credential);
    const keep = request.store !== false;
    const { store, logger } = this;
    let saved: Promise<void> | null = null;
    // The answer and its thinking in one store write; a failed write is logged (and counted), never the request's failure.
    const keepAnswer = (): Promise<void> | null => {
      // Also kept by tool-call id, shared with chat completions, for clients that send back neither the item nor its id.
      const calls = state.thinking.length === 0 ? [] : state.response.output.flatMap((item) => (item.type === 'function_call' ? [item.call_id] : []));
      const thinking = thinkingEntry(calls, state.thinking);
      if (!keep && !thinking) return null;
      const kept = keep ? { response: state.response, input, previousId: request.previous_response_id ?? null, requestBytes: storedBytes } : null;
      return store.save(tenant, kept, thinking).catch((error: unknown) => {
        logger.warn(`Response ${state.response.id} not stored: ${(error as Error)?.message ?? error}`);
      });
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
        // Kept before `response.completed` goes out (`saving`): a client may continue from it at once.
        if (event.type === 'message_stop' && state.finished) saved = keepAnswer();
        return out;
      };
    };
    /** The store write under way once the answer is complete, or null. */
    const saving = () => saved;
    return { events, folder, state, requestId, omittedTools: tools.omitted, cancel, served, saving };
  }

  async get(tenant: string, id: string, includeEncrypted: boolean): Promise<ResponseObject> {
    const response = await this.store.get(tenant, id);
    if (!response) throw notFound(id, null, 'response_not_found');
    return includeEncrypted
      ? structuredClone(response)
      : clientView(createResponsesStreamState(response, { includeEncrypted: false, names: new Map() }));
  }

  async delete(tenant: string, id: string): Promise<{ id: string; object: 'response'; deleted: true }> {
    if (!(await this.store.delete(tenant, id))) throw notFound(id, null, 'response_not_found');
    return { id, object: 'response', deleted: true };
  }

  /**
   * What the request needs from the store, in one read; none for a request
   * that needs nothing (no `previous_response_id`, no `item_reference`, no
   * tool call whose signed thinking it left out, as Codex's stateless
   * requests with encrypted reasoning). A read for thinking alone is best
   * effort: a store that fails it costs thinking on this turn, not the request.
   */
  private async conversation(request: ResponsesRequest, tenant: string): Promise<Conversation> {
    const previousId = request.previous_response_id;
    const itemIds: string[] = [];
    const callIds: string[] = [];
    if (Array.isArray(request.input)) {
      // Whether the current assistant turn carries its signed thinking (a reasoning item with its content).
      let signed = false;
      for (const item of request.input) {
        if (item.type === 'reasoning') {
          if ((item as ReasoningItem).encrypted_content) signed = true;
          else if (item.id) itemIds.push(item.id);
        } else if (item.type === 'item_reference') {
          if (item.id) itemIds.push(item.id);
        } else if (item.type === 'function_call') {
          if (!signed) callIds.push((item as FunctionCallItem).call_id);
        } else signed = false;
      }
    }
    try {
      return await this.store.conversation(tenant, { previousId, itemIds, callIds });
    } catch (error) {
      if (error instanceof StoreMiss) throw notFound(error.id, 'previous_response_id', 'previous_response_not_found');
      if (!previousId && itemIds.length === 0) {
        this.logger.warn(`Signed thinking not recalled: ${(error as Error)?.message ?? error}`);
        return { history: [], items: new Map(), thinking: new Map() };
      }
      throw error;
    }
  }
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
function ownInput(request: ResponsesRequest, stored: ReadonlyMap<string, OutputItem>): { input: InputItem[]; borrowedBytes: number } {
  if (request.input == null) return { input: [], borrowedBytes: 0 };
  if (typeof request.input === 'string') return { input: [{ role: 'user', content: request.input }], borrowedBytes: 0 };
  if (stored.size === 0 && !request.input.some((item) => item.type === 'item_reference')) return { input: request.input, borrowedBytes: 0 };
  let borrowedBytes = 0;
  const input = request.input.map((item, i) => {
    const kept = keptFor(item, stored);
    // Gone, never stored, or another client key's: the same 404 either way.
    if (!kept && item.type === 'item_reference') throw itemNotFound(item.id ?? '', `input[${i}].id`);
    if (!kept) return item;
    borrowedBytes += jsonBytes(kept);
    return kept;
  });
  return { input, borrowedBytes };
}

/** The stored item that stands in for `item`, if any (see `ownInput`). */
function keptFor(item: InputItem, stored: ReadonlyMap<string, OutputItem>): InputItem | undefined {
  const kept = item.id ? (stored.get(item.id) as InputItem | undefined) : undefined;
  if (item.type === 'item_reference') return kept;
  if (item.type === 'reasoning' && !(item as ReasoningItem).encrypted_content && kept?.type === 'reasoning') return kept;
  return undefined;
}

/**
 * 404 as OpenAI answers it, and to another tenant's id alike. The message says
 * what usually causes it: the time limit, and without Redis the per-replica store.
 */
function notFound(id: string, param: string | null, code: string): GatewayError {
  return new GatewayError(404, `Response with id '${id}' not found. Responses are kept for a limited time, for the client key that created them (in memory per gateway replica, unless the gateway shares them through Redis).`, {
    type: 'invalid_request_error',
    param,
    code,
  });
}

function itemNotFound(id: string, param: string): GatewayError {
  return new GatewayError(404, `Item with id '${id}' not found. Stored items are kept for a limited time, for the client key that created them.`, {
    type: 'invalid_request_error',
    param,
    code: 'item_not_found',
  });
}

function newResponseId(): string {
  return `resp_${randomHex(16)}`;
}
