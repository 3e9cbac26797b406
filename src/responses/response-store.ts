import { Injectable } from '@nestjs/common';
import { StateStore, type ThinkingEntry } from '../store/state-store.js';
import type { SignedThinking } from '../translation/shared/thinking.js';
import type { InputItem, OutputItem, ResponseObject } from '../translation/responses/responses.types.js';

/** What the store keeps of one turn: the response, and this request's own input items (references resolved), not its history. */
interface KeptTurn {
  response: ResponseObject;
  input: InputItem[];
}

/** Why a conversation cannot be continued. */
export class StoreMiss extends Error {
  constructor(readonly id: string) {
    super(`Previous response with id '${id}' not found.`);
  }
}

/** What a Responses request needs from the store, fetched in one read. */
export interface ConversationNeeds {
  previousId?: string | null;
  /** Ids of input items the store may hold (`item_reference`, reasoning sent back without its content). */
  itemIds: readonly string[];
  /** Tool calls whose signed thinking the client may have dropped. */
  callIds: readonly string[];
}

export interface Conversation {
  /** The conversation up to `previousId`, as input items. */
  history: InputItem[];
  /** Stored output items by id. */
  items: Map<string, OutputItem>;
  thinking: ReadonlyMap<string, readonly SignedThinking[]>;
}

const NO_CONVERSATION: Conversation = Object.freeze({ history: [], items: new Map(), thinking: new Map() }) as Conversation;

/**
 * The Responses API's view of the gateway's store (store/): `previous_response_id`,
 * `item_reference` and GET/DELETE /v1/responses/{id}, per tenant. Each turn
 * holds only its own input and output and a link to the turn before, so a
 * long conversation costs memory linear in its length; a conversation with
 * one turn gone cannot be continued (StoreMiss). The bounds (entries, bytes,
 * TTL from last use) are the store's.
 */
@Injectable()
export class ResponseStore {
  constructor(private readonly store: StateStore) {}

  /** Everything a request needs, in one read; no store call when it needs nothing. Throws StoreMiss for a broken conversation. */
  async conversation(tenant: string, needs: ConversationNeeds): Promise<Conversation> {
    if (!needs.previousId && needs.itemIds.length === 0 && needs.callIds.length === 0) return NO_CONVERSATION;
    const read = await this.store.read(tenant, { chainFrom: needs.previousId, itemIds: needs.itemIds, callIds: needs.callIds });
    if (read.chain === null) throw new StoreMiss(needs.previousId!);
    const history: InputItem[] = [];
    for (const turn of read.chain as KeptTurn[]) history.push(...turn.input, ...(turn.response.output as InputItem[]));
    const items = new Map<string, OutputItem>();
    for (const [id, turn] of read.items) {
      const item = (turn as KeptTurn).response.output.find((candidate) => candidate.id === id);
      if (item) items.set(id, item);
    }
    return { history, items, thinking: read.thinking as Map<string, SignedThinking[]> };
  }

  /**
   * Keeps a completed response and this request's own input items, with the
   * answer's thinking (if any) in the same round trip. `requestBytes`, when
   * known: the bytes of the request the answer came from, plus those of any
   * items it took from the store (see `jsonBytes`). Everything the entry
   * holds besides the output came from that request (its input, and the
   * fields the response echoes), so only the output is counted here;
   * without it, the whole entry is.
   */
  save(
    tenant: string,
    kept: { response: ResponseObject; input: InputItem[]; previousId: string | null; requestBytes?: number } | null,
    thinking: ThinkingEntry | null,
  ): Promise<void> {
    if (!kept) return this.store.write(tenant, null, thinking);
    const { response, input, previousId, requestBytes } = kept;
    const bytes = requestBytes === undefined ? jsonBytes(response) + jsonBytes(input) : requestBytes + jsonBytes(response.output);
    const value: KeptTurn = { response, input };
    return this.store.write(tenant, { id: response.id, previousId, itemIds: response.output.map((item) => item.id!), bytes, value }, thinking);
  }

  async get(tenant: string, id: string): Promise<ResponseObject | undefined> {
    return ((await this.store.turn(tenant, id)) as KeptTurn | undefined)?.response;
  }

  delete(tenant: string, id: string): Promise<boolean> {
    return this.store.deleteTurn(tenant, id);
  }
}

/**
 * About the length of `value` as JSON, in UTF-8 bytes (escapes aside), for
 * the store's byte bound: one walk that builds nothing, where
 * `JSON.stringify` would build the whole text only to measure it. Numbers
 * count as their longest form.
 */
export function jsonBytes(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return Buffer.byteLength(value) + 2;
    case 'number':
      return 24;
    case 'boolean':
      return 5;
    case 'object': {
      if (value === null) return 4;
      let bytes = 2;
      if (Array.isArray(value)) {
        for (const element of value as unknown[]) bytes += jsonBytes(element) + 1;
        return bytes;
      }
      for (const key in value) {
        const field = (value as Record<string, unknown>)[key];
        if (field !== undefined) bytes += Buffer.byteLength(key) + 4 + jsonBytes(field);
      }
      return bytes;
    }
    default:
      return 0;
  }
}
