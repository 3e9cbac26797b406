import { GatewayError } from '../../common/errors/gateway-error.js';
import { redactSecrets } from '../../common/redaction/redact.js';

/** How an attempt to obtain a token ended: the `outcome` label of the exchange counter. */
export type ExchangeOutcome =
  | 'ok'
  | 'identity_token_unreadable'
  | 'identity_token_too_large'
  | 'rejected'
  | 'unavailable'
  | 'misconfigured';

export const EXCHANGE_OUTCOMES: readonly ExchangeOutcome[] = [
  'ok',
  'identity_token_unreadable',
  'identity_token_too_large',
  'rejected',
  'unavailable',
  'misconfigured',
];

/** A failed attempt, judged: what went wrong and what the operator does about it. */
export interface ExchangeFailure {
  outcome: Exclude<ExchangeOutcome, 'ok'>;
  /** 503 when trying again later may work (the token endpoint is down); 401 when only a fix will. */
  status: 401 | 503;
  /** One message naming the cause and the fix, with no secret in it. */
  message: string;
}

/** The fields of the SDK's WorkloadIdentityError that say what the token endpoint answered. */
interface SdkErrorShape {
  message?: unknown;
  statusCode?: unknown;
}

const FIX = {
  unreadable:
    'Fix: mount the projected service-account token at that path (Helm: auth.mode=workloadIdentity) or point ANTHROPIC_IDENTITY_TOKEN_FILE (or the profile\'s identity_token.path) at the file that holds it.',
  tooLarge:
    'Fix: project a plain service-account token (an `audience` and an expiry, no extra claims); the token endpoint takes at most 16 KiB.',
  rejected:
    "Fix: make the federation rule (ANTHROPIC_FEDERATION_RULE_ID) match the token's issuer, subject and audience, check ANTHROPIC_ORGANIZATION_ID, and set ANTHROPIC_WORKSPACE_ID when the rule covers several workspaces; Claude Console's Workload identity page lists each rejected attempt.",
  unavailable: 'It is retried on the next request and at every readiness check; nothing to change if it passes.',
  misconfigured: 'Fix: correct the credential configuration named above (see README, "Credentials").',
} as const;

/**
 * Judges whatever the SDK's credential chain threw. The SDK words its
 * errors for people (its messages are matched here, and pinned by
 * exchange-failure.spec.ts against the SDK's own functions), and carries the
 * token endpoint's status on a WorkloadIdentityError; both are read, never
 * the token.
 */
export function judgeExchangeFailure(error: unknown): ExchangeFailure {
  const shape = (error ?? {}) as SdkErrorShape;
  const text = redactSecrets(typeof shape.message === 'string' ? shape.message : String(error)).trim();
  const said = /[.!?]$/.test(text) ? text : `${text}.`;
  const status = typeof shape.statusCode === 'number' ? shape.statusCode : null;
  const fail = (outcome: ExchangeFailure['outcome'], httpStatus: 401 | 503, cause: string, fix: string): ExchangeFailure => ({
    outcome,
    status: httpStatus,
    message: `${cause}: ${said} ${fix}`,
  });
  if (/identity token file/i.test(said)) return fail('identity_token_unreadable', 401, 'The identity token file is unusable', FIX.unreadable);
  if (/assertion limit/i.test(said)) return fail('identity_token_too_large', 401, 'The identity token is too large', FIX.tooLarge);
  if (status !== null) {
    if (status === 429 || status >= 500) {
      return fail('unavailable', 503, "Anthropic's token endpoint could not issue a token now", FIX.unavailable);
    }
    if (status >= 400 && status < 500) return fail('rejected', 401, "Anthropic's token endpoint rejected the token exchange", FIX.rejected);
    // A 2xx the SDK could not use (no access_token, not JSON): the endpoint's fault, not the configuration's.
    return fail('unavailable', 503, "Anthropic's token endpoint answered something unusable", FIX.unavailable);
  }
  if (/failed to reach token endpoint|fetch failed|aborted|timeout/i.test(said)) {
    return fail('unavailable', 503, "Anthropic's token endpoint could not be reached", FIX.unavailable);
  }
  return fail('misconfigured', 401, 'The credential configuration cannot produce a token', FIX.misconfigured);
}

/** What a request that needed the token is answered. */
export function exchangeFailureError(failure: ExchangeFailure): GatewayError {
  return new GatewayError(failure.status, failure.message, {
    type: failure.status === 401 ? 'authentication_error' : 'api_error',
    code: 'credentials_unavailable',
    ...(failure.status === 503 ? { headers: { 'retry-after': '5' } } : {}),
  });
}
