/**
 * Label values must come from small, fixed sets: every distinct value is a
 * new time series, and a model name or a path is whatever a client sends.
 * These functions turn request data into those fixed sets.
 */

/** Claude model families; anything outside them is `other`. */
const FAMILIES = ['opus', 'sonnet', 'haiku', 'fable'] as const;

/**
 * A Claude model id with its date suffix dropped (`claude-sonnet-5-5-20260928`
 * → `claude-sonnet-5-5`), when it is a family with a one-digit version and an
 * optional one-digit minor (`claude-opus-5`, `claude-haiku-4-5`); the family
 * alone for any other id of that family (`claude-sonnet-latest` →
 * `claude-sonnet`); `other` for the rest. At most 4 × 10 × 11 + 5 values, and
 * in practice the handful of models in use, whatever clients send.
 */
const VERSIONED = new RegExp(`^claude-(${FAMILIES.join('|')})-(\\d)(?:-(\\d))?(?:-\\d{8})?$`);

/**
 * Labels of the model ids seen so far: a gateway sees the same few ids all
 * day, and the label found once spares the pattern and a new string per
 * request (the metrics find a series faster by a string they saw before).
 * Bounded in count and length, since ids are whatever clients send: past the
 * bound, labels are worked out every time, as before.
 */
const LABELS = new Map<string, string>();
const MAX_REMEMBERED = 256;
/** No real model id is longer; a longer string is never kept. */
const MAX_REMEMBERED_LENGTH = 100;

export function modelLabel(model: unknown): string {
  if (typeof model !== 'string') return 'other';
  let label = LABELS.get(model);
  if (label === undefined) {
    label = labelOf(model);
    if (LABELS.size < MAX_REMEMBERED && model.length <= MAX_REMEMBERED_LENGTH) LABELS.set(model, label);
  }
  return label;
}

function labelOf(model: string): string {
  const versioned = VERSIONED.exec(model);
  if (versioned) return `claude-${versioned[1]}-${versioned[2]}${versioned[3] ? `-${versioned[3]}` : ''}`;
  const family = FAMILIES.find((name) => model === `claude-${name}` || model.startsWith(`claude-${name}-`));
  return family ? `claude-${family}` : 'other';
}

/** Express route patterns the gateway serves; anything else (404s, probes of random paths) is `other`. */
export const ROUTES = [
  '/v1/chat/completions',
  '/v1/responses',
  '/v1/responses/:id',
  '/v1/messages',
  '/v1/messages/count_tokens',
  '/v1/models',
  '/v1/models/:id',
  '/health',
  '/health/live',
  '/health/ready',
  '/metrics',
] as const;
export type RouteLabel = (typeof ROUTES)[number] | 'other';
const KNOWN_ROUTES = new Set<string>(ROUTES);

/** The matched route's pattern (never the raw path, which carries ids and whatever a client invents). */
export function routeLabel(pattern: unknown): RouteLabel {
  return typeof pattern === 'string' && KNOWN_ROUTES.has(pattern) ? (pattern as RouteLabel) : 'other';
}

/** Upstream failures an operator tells apart: who to blame and whether to wait. */
export const UPSTREAM_ERROR_TYPES = [
  'rate_limited',
  'overloaded',
  'server_error',
  'timeout',
  'broken_stream',
  'malformed',
  'connection',
  'rejected',
] as const;
export type UpstreamErrorType = (typeof UPSTREAM_ERROR_TYPES)[number];

/** The routes that answer with a model's output, where a client can leave before the answer is complete. */
export const ANSWER_ROUTES = ['/v1/chat/completions', '/v1/responses'] as const satisfies readonly RouteLabel[];

/** What starts a run of REFRESH_COMMAND: start-up, the refresh-ahead check, or a request that met an unusable token. */
export const REFRESH_TRIGGERS = ['startup', 'ahead', 'expired', 'rejected'] as const;
/** How a run of REFRESH_COMMAND ended. */
export const REFRESH_OUTCOMES = ['renewed', 'unchanged', 'failed'] as const;

/** Gateway error codes that name an upstream failure whatever their status. */
const BY_CODE: Record<string, UpstreamErrorType> = {
  upstream_timeout: 'timeout',
  upstream_connection_broken: 'broken_stream',
  upstream_stream_incomplete: 'broken_stream',
  // An event (or whole message) without the documented shape: the translation throws, not the port.
  upstream_malformed_event: 'malformed',
  upstream_unreachable: 'connection',
  overloaded: 'overloaded',
  rate_limit_exceeded: 'rate_limited',
};

/**
 * An error as the client sees it (status and OpenAI `code`) → its upstream
 * error type, or null when upstream did not fail. 529 leaves as a 503 with
 * code `overloaded`, so the code decides before the status does. Upstream
 * 4xx other than 429 are `rejected` (a bad request, an expired login).
 */
export function upstreamErrorType(status: number, code: string | null | undefined, fromUpstream: boolean): UpstreamErrorType | null {
  const named = code ? BY_CODE[code] : undefined;
  if (named) return named;
  if (!fromUpstream) return null;
  if (status === 429) return 'rate_limited';
  if (status === 529) return 'overloaded';
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'rejected';
  return null;
}
