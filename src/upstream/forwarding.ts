import type Anthropic from '@anthropic-ai/sdk';
import { redactSecrets } from '../common/redaction/redact.js';
import type { SseEvent } from './sse-events.js';
import { mergeUsage, type UpstreamObserver } from './upstream-observer.js';

/** A Messages API call to forward as the client made it. */
export interface ForwardedCall {
  /** Upstream's path with the client's query string (`/v1/messages?beta=true`). */
  path: string;
  /** The body's bytes as the client sent them. */
  body: Uint8Array;
  /** The client's headers that go upstream (anthropic-version, anthropic-beta, ...); `null` removes one the SDK would add. */
  headers: Record<string, string | null>;
}

/** Upstream's answer, unread: its status, the headers a client may see, and its body as upstream wrote it. */
export type ForwardedAnswer =
  | { kind: 'json'; status: number; headers: Record<string, string>; body: string }
  | {
      kind: 'sse';
      status: number;
      headers: Record<string, string>;
      /** Complete (ends with `message_stop`) or throws a GatewayError, as the port's other streams. */
      events: AsyncIterable<SseEvent>;
      /** Stops the upstream call without reading its events. */
      cancel: () => void;
    };

/** Response headers a client of the Anthropic door sees as upstream sent them: its request id, rate limits, retry advice. */
const PASSED = new Set(['request-id', 'retry-after', 'x-should-retry', 'content-type']);
const PASSED_PREFIX = 'anthropic-ratelimit-';

export function passedHeaders(headers: Headers | undefined): Record<string, string> {
  const passed: Record<string, string> = {};
  headers?.forEach((value, name) => {
    if (PASSED.has(name) || name.startsWith(PASSED_PREFIX)) passed[name] = value;
  });
  return passed;
}

/**
 * An error upstream answered, as its body: upstream's JSON as it sent it
 * (the SDK has read it already), or, when upstream's body was not JSON (a
 * proxy's HTML page), Anthropic's error shape around its text. Redacted,
 * like every error that leaves: a credential upstream echoed stays inside.
 */
export function upstreamErrorBody(error: InstanceType<typeof Anthropic.APIError>, type: string): string {
  if (error.error !== undefined && error.error !== null) return redactSecrets(JSON.stringify(error.error));
  return redactSecrets(JSON.stringify({ type: 'error', error: { type, message: error.message } }));
}

/** What a whole message (not a token count) tells the request's record: tokens, stop reason, whether it holds content. */
export function noteAnswer(text: string, observer: UpstreamObserver): void {
  let answer: { type?: unknown; content?: unknown; stop_reason?: unknown; usage?: unknown } | undefined;
  try {
    answer = JSON.parse(text);
  } catch {
    // Not JSON: nothing to note; the client gets it as it came.
  }
  if (answer?.type !== 'message' || typeof answer.usage !== 'object' || answer.usage === null) {
    observer.upstreamEnded('ok', undefined);
    return;
  }
  if (Array.isArray(answer.content) && answer.content.length > 0) observer.contentArrived();
  if (typeof answer.stop_reason === 'string') observer.stopped(answer.stop_reason);
  observer.upstreamEnded('ok', mergeUsage({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, answer.usage));
}
