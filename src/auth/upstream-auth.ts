import type { CredentialSource } from '../config/credential-source.js';
import type { RefreshRecord } from '../refresh/refresh.service.js';
import type { ExchangeRecord } from '../sdk-credential/sdk-credential.js';

/** A bearer token and when it stops being good (epoch seconds; null: never, as far as we know). */
export interface BearerToken {
  token: string;
  expiresAt: number | null;
}

/**
 * How upstream calls authenticate, in terms the upstream port turns into
 * client options. Nothing here knows the SDK.
 */
export type UpstreamAuth =
  | { kind: 'api-key'; apiKey: string }
  | {
      kind: 'bearer';
      /** Asked before each request (concurrent requests share one call). */
      token: () => Promise<BearerToken>;
      /** Told which token a 401 answered, so that token alone is judged rejected. */
      onRejected?: (token: string) => void;
      /** A 401 is tried once more, whatever UPSTREAM_MAX_RETRIES says: the token may be renewed by then. */
      retryRejected: boolean;
    };

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
