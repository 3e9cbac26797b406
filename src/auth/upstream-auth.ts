import type { CredentialSource } from '../config/credential-source.js';
import type { RefreshRecord } from '../refresh/refresh.service.js';
import type { ExchangeRecord, SdkUpstream } from './sdk-credential/sdk-credential.js';

/** The beta a bearer OAuth token needs beside it (the SDK's own `OAUTH_API_BETA_HEADER`). */
export const OAUTH_BETA = 'oauth-2025-04-20';

/**
 * One credential as upstream calls use it: its secret, fixed or asked for
 * before each call, sent as `authHeaders` says. What a 401 to that secret
 * means is decided by CredentialRefusal alone, from `kind`.
 */
export type UpstreamCredential =
  | {
      kind: 'api-key' | 'oauth-token';
      /** Shown by health, logs and metrics; never the secret. */
      name: string;
      /** The secret, at once: it never changes (a request need not wait for it). */
      fixed(): string;
    }
  | {
      kind: 'claude-login';
      name: string;
      /** A usable token, renewed first when expired or refused; a GatewayError 401 saying what to do otherwise. */
      secret(): Promise<string>;
      /** Anthropic answered 401 to this token: it is not handed out again until the login holds another. */
      refused(token: string): void;
    }
  /** A token the SDK's own chain obtains (workload identity, an SDK profile), sent as a bearer token. */
  | SdkUpstream;

/**
 * The headers that carry the credential on one upstream call: a Console API
 * key as `x-api-key` (the real API refuses one sent as a bearer token), an
 * OAuth token as `Authorization: Bearer` with the beta it needs.
 */
export function authHeaders(credential: UpstreamCredential, secret: string): Record<string, string> {
  if (credential.kind === 'api-key') return { 'x-api-key': secret };
  return { authorization: `Bearer ${secret}`, 'anthropic-beta': OAUTH_BETA };
}

export interface CredentialState {
  source: CredentialSource;
  usable: boolean;
  /** Why requests cannot be served, in words an operator can act on. */
  reason?: string;
  /** Seconds until the token expires, when it is known (the Claude Code login, an SDK-obtained token). */
  expiresInSeconds?: number;
  /** The last run of REFRESH_COMMAND (Claude Code login only). */
  lastRefresh?: RefreshRecord | null;
  /** The last attempt to obtain a token through the SDK (workload identity, SDK profile). */
  lastExchange?: ExchangeRecord | null;
}
