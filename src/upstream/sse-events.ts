import Anthropic from '@anthropic-ai/sdk';
import type { GatewayError } from '../common/errors/gateway-error.js';
import { type EventNotes, StreamNotes, type UpstreamObserver } from './upstream-observer.js';

/**
 * One server-sent event exactly as upstream wrote it: its text, up to and
 * including the blank line that ends it, and its `event:` name. A
 * pass-through relays `text` as it is: nothing is parsed and written again.
 */
export interface SseEvent {
  readonly type: string;
  readonly text: string;
}

/**
 * Upstream's SSE body cut into events, each yielded as soon as its blank
 * line arrives (never held for the next chunk). Bytes are decoded as a
 * stream, so a character split across chunks stays whole. Events end with
 * `\n\n` (what Anthropic sends) or `\r\n\r\n`. What follows the last blank
 * line when the body ends is an unfinished event, dropped as the SSE
 * standard drops it; the stream then lacks its `message_stop`, which
 * `watchedEvents` reports.
 *
 * An `error` event is yielded like any other (the client reads it in
 * Anthropic's own words), then the stream fails with it, as the SDK's own
 * stream does, so the request is recorded as failed by upstream.
 */
export async function* sseEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of body) {
    pending += decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let end = eventEnd(pending, start); end > 0; end = eventEnd(pending, start)) {
      const text = pending.slice(start, end);
      start = end;
      const type = eventName(text);
      yield { type, text };
      if (type === 'error') throw errorEventError(text);
    }
    if (start > 0) pending = pending.slice(start);
  }
}

/** Where the event starting at `from` ends (after its blank line), or -1 while it is unfinished. */
function eventEnd(text: string, from: number): number {
  const lf = text.indexOf('\n\n', from);
  // Anthropic ends lines with \n alone: the CRLF search is only made for a body that has a \r at all.
  const crlf = text.includes('\r', from) ? text.indexOf('\r\n\r\n', from) : -1;
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf + 4;
  return lf < 0 ? -1 : lf + 2;
}

/** The event's `event:` field (Anthropic writes it first); `message`, the standard's default, without one. */
export function eventName(text: string): string {
  let at = 0;
  if (!text.startsWith('event:')) {
    at = text.indexOf('\nevent:') + 1;
    if (at === 0) return 'message';
  }
  let start = at + 6;
  if (text.charCodeAt(start) === 0x20) start++;
  let end = start;
  while (end < text.length && text.charCodeAt(end) !== 0x0a && text.charCodeAt(end) !== 0x0d) end++;
  return text.slice(start, end);
}

/** The event's data (its `data:` lines joined), parsed; undefined when it is not JSON. */
export function eventData(text: string): unknown {
  const lines: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('data:')) lines.push(line.charCodeAt(5) === 0x20 ? line.slice(6) : line.slice(5));
  }
  try {
    return JSON.parse(lines.join('\n'));
  } catch {
    return undefined;
  }
}

/** An `error` event, as the error the SDK's own stream throws for it (its status found from its type). */
function errorEventError(text: string): Error {
  const data = eventData(text);
  return new Anthropic.APIError(undefined, data as object | undefined, undefined, undefined);
}

/** A delta, for the notes: its content is not read, so it is not parsed either. */
const DELTA = { type: 'content_block_delta' } as Anthropic.RawMessageStreamEvent;

/** Events whose data tells the request's record something (tokens, stop reason, a tool call's start). */
const NOTED = new Set(['message_start', 'message_delta', 'content_block_start']);

/**
 * What a relayed stream tells the request's observer, as `StreamNotes` does
 * for parsed events: only the few events that carry usage, stop reason or a
 * tool call are parsed, once each; deltas are counted as content unread.
 */
export class SseNotes implements EventNotes<SseEvent> {
  private readonly notes: StreamNotes;

  constructor(observer: UpstreamObserver) {
    this.notes = new StreamNotes(observer);
  }

  event(event: SseEvent): void {
    if (event.type === 'content_block_delta') return this.notes.event(DELTA);
    if (!NOTED.has(event.type)) return;
    const data = eventData(event.text);
    if (data !== undefined) this.notes.event(data as Anthropic.RawMessageStreamEvent);
  }

  completed(): void {
    this.notes.completed();
  }

  failed(failure: GatewayError): void {
    this.notes.failed(failure);
  }

  ended(): void {
    this.notes.ended();
  }
}
