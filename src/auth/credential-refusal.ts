import { Injectable } from '@nestjs/common';
import { GatewayError } from '../common/errors/gateway-error.js';
import type { UpstreamCredential } from './upstream-auth.js';

/**
 * The one owner of "Anthropic refused the credential" (an upstream 401), for
 * every kind of credential:
 *
 * | kind           | a 401 means                                                                  |
 * | -------------- | ---------------------------------------------------------------------------- |
 * | `api-key`      | a clear error: upstream's own 401 (nothing here can renew a Console key)      |
 * | `oauth-token`  | a clear error: upstream's own 401 (a fixed token is renewed by its owner)     |
 * | `claude-login` | the refused token is set aside, the login renewed (REFRESH_COMMAND) and the   |
 * |                | call tried once more; a login that cannot be renewed is the login's own 401   |
 * |                | saying what to do, with no second upstream call                              |
 * | `sdk`          | the SDK's token cache is emptied and the call tried once more with a freshly  |
 * |                | exchanged token (workload identity, an SDK profile); a second 401 is final,  |
 * |                | as is an exchange that fails (its own 401/503 saying why)                     |
 *
 * The SDK's reactive refresh after a 401 never runs beside this: the secret
 * goes to the SDK as a per-call header, not through its token cache, so its
 * retry policy (UPSTREAM_MAX_RETRIES) treats a 401 as final.
 */
@Injectable()
export class CredentialRefusal {
  /** Calls upstream with the credential's current secret, and decides what a 401 to it means. */
  send<T>(credential: UpstreamCredential, call: (secret: string) => Promise<T>): Promise<T> {
    // A fixed secret: a 401 is final, so there is nothing to wait for or decide (the table's first two rows).
    return isFixed(credential) ? call(credential.fixed()) : this.renewing(credential, call);
  }

  private async renewing<T>(credential: Renewable, call: (secret: string) => Promise<T>): Promise<T> {
    const secret = await credential.secret();
    try {
      return await call(secret);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      return call(await this.renewed(credential, secret));
    }
  }

  /** The secret to try once more with, or the clear error. */
  private async renewed(credential: Renewable, refused: string): Promise<string> {
    switch (credential.kind) {
      case 'claude-login':
        credential.refused(refused);
        // Renews the login, or throws the 401 that says why it could not.
        return credential.secret();
      case 'sdk':
        await credential.refused(refused);
        // Exchanges again through the SDK, or throws the error that says why it could not.
        return credential.secret();
    }
  }
}

/** The kinds whose secret can be renewed after a 401 (the table's last two rows). */
type Fixed = Extract<UpstreamCredential, { fixed(): string }>;
type Renewable = Exclude<UpstreamCredential, Fixed>;

const isFixed = (credential: UpstreamCredential): credential is Fixed => credential.kind === 'api-key' || credential.kind === 'oauth-token';

/** Upstream's 401 (the SDK's AuthenticationError), not one of ours. */
export function isRefusal(error: unknown): boolean {
  return !(error instanceof GatewayError) && (error as { status?: unknown } | null)?.status === 401;
}
