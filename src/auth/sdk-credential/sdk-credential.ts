import type { AnthropicConfig } from '@anthropic-ai/sdk/core/credentials';
import { defaultCredentials, resolveCredentialsFromConfig, type ResolverOptions } from '@anthropic-ai/sdk/lib/credentials/credential-chain';
import { TokenCache } from '@anthropic-ai/sdk/lib/credentials/token-cache';
import type { AccessToken, AccessTokenProvider, CredentialResult } from '@anthropic-ai/sdk/lib/credentials/types';
import { Logger } from '@nestjs/common';
import { redactSecrets, rememberSecret } from '../../common/redaction/redact.js';
import { type ExchangeFailure, type ExchangeOutcome, exchangeFailureError, judgeExchangeFailure } from './exchange-failure.js';
import type { SdkCredentialFields } from '../../config/sdk-credential-fields.js';

/** A token exchange that hangs would hold every request that waits on it: the SDK sets no limit of its own. */
export const EXCHANGE_TIMEOUT_MS = 30_000;

/** Where the outcome of each exchange and the held token's expiry are reported (GatewayMetrics). */
export interface ExchangeObserver {
  credentialExchanged(credential: string, outcome: ExchangeOutcome): void;
  watchCredentialExpiry(credential: string, expiresAtMs: () => number | null): void;
}

export interface SdkCredentialOptions {
  /** Where the token exchange goes when the profile names no `base_url` (ANTHROPIC_BASE_URL). */
  baseURL: string;
  /** The credential's name in metrics and messages. */
  name?: string;
  observer?: ExchangeObserver;
  /** The transport of the exchange; a time limit is added to it. */
  fetch?: typeof fetch;
}

/** The last attempt to obtain a token, as health shows it. */
export interface ExchangeRecord {
  at: string;
  outcome: ExchangeOutcome;
}

/** The state health reports: whether a token could be obtained, and when it expires. Never the token. */
export interface SdkCredentialState {
  usable: boolean;
  reason?: string;
  expiresInSeconds?: number;
  lastExchange: ExchangeRecord | null;
}

/**
 * The credential as upstream calls use it (one kind of auth/upstream-auth.ts's
 * `UpstreamCredential`): its secret is the cache's token, and what a 401 to
 * it means is decided by auth/credential-refusal.ts, which calls `refused`.
 */
export interface SdkUpstream {
  kind: 'sdk';
  /** Shown by health, logs and metrics; never the token. */
  name: string;
  /** The cache's token; a GatewayError (401 or 503, code credentials_unavailable) saying what to do otherwise. */
  secret(): Promise<string>;
  /** Anthropic answered 401 to this token: the cache is emptied, so the next `secret()` exchanges again. */
  refused(token: string): Promise<void>;
  /** Whether a token can be obtained now, and when it expires. */
  state(): Promise<SdkCredentialState>;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * A credential whose tokens come from @anthropic-ai/sdk's own credential
 * chain: the federation exchange (jwt-bearer grant) or a profile, behind the
 * SDK's TokenCache (refresh in the background inside 120 s of expiry, at
 * once inside 30 s, concurrent callers sharing one exchange). Nothing of the
 * exchange is done here: this class only watches the SDK's provider (to
 * count exchanges, know the expiry, register each token for redaction) and
 * words its failures. Requests and readiness ask the same cache, so a
 * readiness check exchanges only when a request would have.
 */
export class SdkCredential {
  readonly name: string;
  readonly upstream: SdkUpstream;
  /** For the start-up line: which rule or profile, never a secret. */
  readonly description: string;
  private readonly logger = new Logger('Credentials');
  /** How log lines name it, as the pool names its credentials. */
  private readonly label: string;
  /** The SDK's resolution of the fields, behind its TokenCache; forgotten when it fails, so a fixed profile is found. */
  private resolution: Promise<TokenCache> | null = null;
  private held: AccessToken | null = null;
  private last: ExchangeRecord | null = null;
  private lastFailure: ExchangeFailure | null = null;
  /** Errors already judged (and counted) where they arose; concurrent callers share one. */
  private readonly judged = new WeakMap<object, ExchangeFailure>();

  constructor(
    private readonly fields: SdkCredentialFields,
    private readonly options: SdkCredentialOptions,
  ) {
    this.name = options.name ?? ('profile' in fields ? 'sdk-profile' : 'workload-identity');
    this.label = `credential ${this.name}`;
    this.description =
      'profile' in fields
        ? `SDK profile "${fields.profile}"`
        : `federation rule ${fields.federation.ruleId} of organization ${fields.federation.organizationId}, identity token file ${fields.federation.identityTokenFile}`;
    this.upstream = {
      kind: 'sdk',
      name: this.name,
      secret: () => this.token(),
      refused: (token) => this.rejected(token),
      state: () => this.state(),
    };
    options.observer?.watchCredentialExpiry(this.name, () => (this.held?.expiresAt == null ? null : this.held.expiresAt * 1000));
  }

  /** A token, from the SDK's cache; a failure is a GatewayError naming the cause and the fix. */
  async token(): Promise<string> {
    try {
      const cache = await this.cache();
      return await cache.getToken();
    } catch (error) {
      const judged = error !== null && typeof error === 'object' ? this.judged.get(error) : undefined;
      throw exchangeFailureError(judged ?? this.failed(error));
    }
  }

  /**
   * Readiness: could a token be obtained now, and when does it expire. Asks
   * the cache, which calls the token endpoint only when a request would
   * (nothing held, or inside the SDK's refresh windows); a pod whose exchange
   * failed thereby tries again at each check, without needing traffic.
   */
  async state(): Promise<SdkCredentialState> {
    try {
      await this.token();
    } catch (error) {
      return { usable: false, reason: (error as Error).message, lastExchange: this.last };
    }
    const expiresAt = this.held?.expiresAt;
    return {
      usable: true,
      ...(expiresAt != null ? { expiresInSeconds: expiresAt - nowSeconds() } : {}),
      lastExchange: this.last,
    };
  }

  /** At start-up: the first exchange, so a broken setup shows in the first log lines. */
  async start(): Promise<void> {
    const state = await this.state();
    if (state.usable) {
      this.logger.log(`${this.label}: token obtained${state.expiresInSeconds === undefined ? '' : `, expires in ${state.expiresInSeconds} s`}`);
    }
  }

  /** Anthropic answered 401 to this token: the next request exchanges again (the SDK's forced refresh). */
  private async rejected(token: string): Promise<void> {
    if (this.held?.token !== token) return;
    this.logger.warn(`${this.label}: Anthropic rejected the current token (401); exchanging for a new one`);
    (await this.cache()).invalidate();
  }

  private cache(): Promise<TokenCache> {
    if (this.resolution) return this.resolution;
    const resolution = this.resolve(this.fields).then(
      // A background refresh that fails is already judged and logged by `observed`.
      (result) => new TokenCache(this.observed(result.provider)),
    );
    this.resolution = resolution;
    resolution.catch(() => {
      if (this.resolution === resolution) this.resolution = null;
    });
    return resolution;
  }

  private resolve(fields: SdkCredentialFields): Promise<CredentialResult> {
    const resolver: ResolverOptions = {
      baseURL: this.options.baseURL.replace(/\/+$/, ''),
      fetch: withTimeout(this.options.fetch ?? fetch),
      onCacheWriteError: (error) => this.logger.warn(`${this.label}: the SDK could not write its token cache: ${redactSecrets(String(error))}`),
      onSafetyWarning: (message) => this.logger.warn(`${this.label}: ${redactSecrets(message)}`),
    };
    if ('profile' in fields) {
      return defaultCredentials(resolver, fields.profile).then((result) => {
        if (result?.baseURL && result.baseURL.replace(/\/+$/, '') !== resolver.baseURL) {
          // The SDK client would send requests there too; the gateway keeps to ANTHROPIC_BASE_URL.
          this.logger.warn(
            `${this.label}: the profile's base_url (${result.baseURL}) is where tokens are obtained; requests still go to ANTHROPIC_BASE_URL (${resolver.baseURL})`,
          );
        }
        if (result) return result;
        throw new Error(
          `the SDK profile "${fields.profile}" does not exist: no configs/${fields.profile}.json in the SDK's config directory ($ANTHROPIC_CONFIG_DIR, else $XDG_CONFIG_HOME/anthropic or ~/.config/anthropic); create it with the ant CLI or point ANTHROPIC_CONFIG_DIR at the directory that holds it`,
        );
      });
    }
    const { federation } = fields;
    // The config the SDK itself builds from its environment variables (no disk cache: tokens stay in memory).
    const config: AnthropicConfig = {
      organization_id: federation.organizationId,
      workspace_id: federation.workspaceId,
      authentication: {
        type: 'oidc_federation',
        federation_rule_id: federation.ruleId,
        service_account_id: federation.serviceAccountId,
        identity_token: { source: 'file', path: federation.identityTokenFile },
      },
    };
    return Promise.resolve().then(() => resolveCredentialsFromConfig(config, resolver));
  }

  /** The SDK's provider, watched: each call is one exchange (or one read of a profile's token). */
  private observed(provider: AccessTokenProvider): AccessTokenProvider {
    return async (opts) => {
      let token: AccessToken;
      try {
        token = await provider(opts);
      } catch (error) {
        this.failed(error);
        throw error;
      }
      rememberSecret(token.token);
      this.held = token;
      this.recorded('ok');
      if (this.lastFailure) this.logger.log(`${this.label}: token obtained again`);
      this.lastFailure = null;
      return token;
    };
  }

  private failed(error: unknown): ExchangeFailure {
    const failure = judgeExchangeFailure(error);
    if (failure.message !== this.lastFailure?.message) this.logger.error(`${this.label}: ${failure.message}`);
    this.lastFailure = failure;
    if (error !== null && typeof error === 'object') this.judged.set(error, failure);
    this.recorded(failure.outcome);
    return failure;
  }

  private recorded(outcome: ExchangeOutcome): void {
    this.last = { at: new Date().toISOString(), outcome };
    this.options.observer?.credentialExchanged(this.name, outcome);
  }
}

/** The same transport, with a time limit per exchange (joined to any signal the SDK passes). */
function withTimeout(transport: typeof fetch): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(EXCHANGE_TIMEOUT_MS);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return transport(input, { ...init, signal });
  };
}

/** The pure entry point: a credential from a plain object of fields, for the single credential or a pool entry. */
export function sdkCredentialFrom(fields: SdkCredentialFields, options: SdkCredentialOptions): SdkCredential {
  return new SdkCredential(fields, options);
}
