import { GatewayError } from '../common/gateway-error.js';
import { malformedUpstream } from '../upstream/upstream-errors.js';

/**
 * One upstream event through a mapper, for every endpoint alike. An event
 * that does not have the shape the Messages API documents (say,
 * `message_start` with `message: null`) makes a mapper throw a TypeError:
 * that is upstream's fault, a 502 `upstream_malformed_event` naming the
 * event, never our 500. A GatewayError a mapper throws on purpose keeps its meaning.
 */
export function mapGuarded<S, E extends { type?: unknown }, R>(map: (state: S, event: E) => R, state: S, event: E): R {
  try {
    return map(state, event);
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    throw malformedUpstream(`${typeof event?.type === 'string' ? event.type : 'unknown'} event`, error);
  }
}
