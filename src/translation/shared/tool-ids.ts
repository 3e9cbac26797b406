import { createHash } from 'node:crypto';

/** What the Messages API accepts as a `tool_use` id (and so as a `tool_result.tool_use_id`). */
export const TOOL_ID_PATTERN = /^[a-zA-Z0-9_-]+$/;

/**
 * A tool-call id upstream accepts. Ids from other providers (`functions.get_weather:0`,
 * `call:abc`) break the pattern; they are mapped deterministically, so a call and
 * its result, mapped apart, still agree: invalid characters become `_`, and a
 * short hash of the original keeps two ids that differ only there apart. Pure.
 */
export function toUpstreamToolId(id: string): string {
  if (TOOL_ID_PATTERN.test(id)) return id;
  const hash = createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 10);
  return `${id.replace(/[^a-zA-Z0-9_-]/g, '_')}_${hash}`;
}

/**
 * The id of a legacy `function_call` (which has none): the index of the
 * assistant message that made it, so the `role: "function"` result that answers
 * it can be given the same id.
 */
export function legacyCallId(messageIndex: number): string {
  return `call_legacy_${messageIndex}`;
}
