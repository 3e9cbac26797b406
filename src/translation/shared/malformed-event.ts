import { GatewayError } from '../../common/errors/gateway-error.js';
import { malformedUpstream } from '../../upstream/upstream-errors.js';

/**
 * One upstream event through a mapper, for every endpoint alike. An event
 * that does not have the shape the Messages API documents (say,
 * `message_start` with `message: null`) makes a mapper throw a TypeError:
 * that is upstream's fault, a 502 `upstream_malformed_event` naming the
 * event, never our 500. A GatewayError a mapper throws on purpose keeps its meaning.
 */
export function mapGuarded<S, E extends { type?: unknown }, R>(map: (state: S, event: E) => R, state: S, event: E): R {
  try {
    checkTextFields(event);
    return map(state, event);
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    throw malformedUpstream(`${typeof event?.type === 'string' ? event.type : 'unknown'} event`, error);
  }
}

/**
 * The text fields of each kind of delta and started block, which the mappers
 * pass on into chunks and answers as they are: a wrong type there would not
 * make a mapper throw, but fail later, far from the event (or reach the client).
 */
const TEXT_FIELDS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  content_block_delta: {
    text_delta: ['text'],
    thinking_delta: ['thinking'],
    signature_delta: ['signature'],
    input_json_delta: ['partial_json'],
  },
  content_block_start: {
    text: ['text'],
    thinking: ['thinking', 'signature'],
    redacted_thinking: ['data'],
    tool_use: ['id', 'name'],
    server_tool_use: ['id', 'name'],
  },
};

/**
 * A delta's text is what it exists for; a started block may leave a field
 * out (the documented thinking start carries no signature, the mappers
 * default it), but one it sends must be text.
 */
function checkTextFields(event: { type?: unknown }): void {
  const kinds = TEXT_FIELDS[String(event.type)];
  if (!kinds) return;
  const { delta, content_block } = event as { delta?: Record<string, unknown> | null; content_block?: Record<string, unknown> | null };
  const isDelta = event.type === 'content_block_delta';
  const part = isDelta ? delta : content_block;
  for (const field of kinds[String(part?.type)] ?? []) {
    const value = part?.[field];
    if (typeof value !== 'string' && (isDelta || value !== undefined)) throw new TypeError(`${String(part?.type)}.${field} is not a string`);
  }
}
