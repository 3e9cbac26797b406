import Anthropic from '@anthropic-ai/sdk';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { OpenAIHttpException } from '../common/openai-error.js';
import { AppConfig } from '../config/app-config.js';
import { ClaudeLogin } from '../login/claude-login.js';
import type { LoginRead } from '../login/login-token.js';
import { type RefreshRecord, RefreshService } from '../refresh/refresh.service.js';
import { AnthropicClientFactory } from './anthropic-client.factory.js';
import { type CredentialSource, credentialSourceFor, oauthTokenFrom } from './credential-source.js';

export type { CredentialSource } from './credential-source.js';

export interface CredentialState {
  source: CredentialSource | null;
  usable: boolean;
  /** Why requests cannot be served, in words an operator can act on. */
  reason?: string;
  /** Seconds until the token expires, when it is known (the Claude Code login). */
  expiresInSeconds?: number;
  /** The last run of REFRESH_COMMAND (Claude Code login only). */
  lastRefresh?: RefreshRecord | null;
}

export const LOGIN_HELP =
  'To fix it, run `claude` interactively once on this host (as the user the gateway runs as) so it renews the login, ' +
  'or set REFRESH_COMMAND to a command that renews it, ' +
  'or create a long-lived token with `claude setup-token` and set CLAUDE_CODE_OAUTH_TOKEN.';

/** A judgement on the login as read now; `renewable` when running the command might help. */
type LoginVerdict =
  | { usable: true; token: string; expiresAtMs: number | null }
  | { usable: false; reason: string; renewable?: { trigger: 'expired' | 'rejected'; token: string } };

/**
 * Chooses the credential once, at start-up, in priority order (API key >
 * OAuth token > Claude Code login), and owns the one SDK client built for it.
 * Requests only ask for that client; nothing on the request path builds one.
 */
@Injectable()
export class CredentialProvider implements OnModuleInit {
  private readonly logger = new Logger('Credentials');
  readonly source: CredentialSource;
  private readonly anthropic: Anthropic;
  /** The token a 401 from Anthropic was answered to; unusable until the login holds another. */
  private rejectedToken: string | null = null;

  constructor(
    config: AppConfig,
    factory: AnthropicClientFactory,
    private readonly login: ClaudeLogin,
    private readonly refresh: RefreshService,
  ) {
    const apiKey = config.get('ANTHROPIC_API_KEY');
    const token = oauthTokenFrom(config);
    this.source = credentialSourceFor(config);
    if (apiKey) {
      this.anthropic = factory.create({ apiKey });
    } else if (token) {
      // A static token never expires as far as the SDK's cache knows; an OAuth
      // token still has to go through `credentials` to get the OAuth beta header.
      this.anthropic = factory.create({ credentials: async () => ({ token, expiresAt: null }) });
    } else {
      this.anthropic = factory.create(
        { credentials: () => this.loginToken() },
        { onUnauthorized: (rejected) => (this.rejectedToken = rejected) },
      );
    }
  }

  async onModuleInit(): Promise<void> {
    if (this.source !== 'claude-login') {
      this.logger.log(`Using credential source: ${this.source}`);
      return;
    }
    this.logger.log(`Using credential source: claude-login (${this.login.path})`);
    const warning = await this.login.permissionWarning();
    if (warning) this.logger.warn(warning);
    // Surfaces a broken login in the start-up log rather than at the first request.
    await this.login.read();
  }

  async state(): Promise<CredentialState> {
    if (this.source !== 'claude-login') return { source: this.source, usable: true };
    const verdict = this.judge(await this.login.read());
    const lastRefresh = this.refresh.last;
    if (!verdict.usable) return { source: this.source, usable: false, reason: verdict.reason, lastRefresh };
    const expiresInSeconds =
      verdict.expiresAtMs === null ? undefined : Math.floor((verdict.expiresAtMs - Date.now()) / 1000);
    return { source: this.source, usable: true, expiresInSeconds, lastRefresh };
  }

  /**
   * Calls upstream with the client for the active credential. With the Claude
   * Code login, a 401 is tried once more whatever UPSTREAM_MAX_RETRIES says:
   * the rejected token is then renewed (or explained) before the retry, so
   * the request that met the 401 is the one that benefits.
   */
  async call<T>(request: (client: Anthropic) => Promise<T>): Promise<T> {
    try {
      return await request(this.anthropic);
    } catch (error) {
      if (this.source !== 'claude-login' || !(error instanceof Anthropic.AuthenticationError)) throw error;
      return request(this.anthropic);
    }
  }

  /**
   * The SDK's AccessTokenProvider for the login. The returned `expiresAt` is
   * "now", which puts the SDK's TokenCache inside its mandatory-refresh window
   * on every request: each request comes back here (concurrent ones sharing
   * one call), so a renewed file is used by the very next request. What keeps
   * that cheap is ClaudeLogin's stat check, not a second cache. After a 401
   * (the SDK's `forceRefresh`) the rejected token is known from the response
   * itself, so the verdict below already asks for a renewal.
   */
  private async loginToken(): Promise<{ token: string; expiresAt: number }> {
    let verdict = this.judge(await this.login.read());
    if (!verdict.usable && verdict.renewable) {
      await this.refresh.runForRequest(verdict.renewable.trigger, verdict.renewable.token);
      verdict = this.judge(await this.login.read());
    }
    if (!verdict.usable) {
      throw new OpenAIHttpException(401, verdict.reason, 'authentication_error', { code: 'credentials_unavailable' });
    }
    return { token: verdict.token, expiresAt: Math.floor(Date.now() / 1000) };
  }

  private judge(read: LoginRead): LoginVerdict {
    if (!read.ok) return { usable: false, reason: `The Claude Code login is unusable: ${read.problem}. ${LOGIN_HELP}` };
    const { accessToken, expiresAtMs } = read.token;
    if (this.rejectedToken !== null && accessToken !== this.rejectedToken) this.rejectedToken = null;
    const refreshNote = this.describeLastRefresh();
    if (accessToken === this.rejectedToken) {
      return {
        usable: false,
        reason: `Anthropic rejected the Claude Code login token from ${read.origin} (401)${refreshNote}. ${LOGIN_HELP}`,
        renewable: { trigger: 'rejected', token: accessToken },
      };
    }
    if (expiresAtMs !== null && expiresAtMs <= Date.now()) {
      return {
        usable: false,
        reason: `The Claude Code login token in ${read.origin} expired at ${new Date(expiresAtMs).toISOString()}${refreshNote}. ${LOGIN_HELP}`,
        renewable: { trigger: 'expired', token: accessToken },
      };
    }
    return { usable: true, token: accessToken, expiresAtMs };
  }

  private describeLastRefresh(): string {
    const last = this.refresh.last;
    if (!last) return ' and REFRESH_COMMAND has not run yet';
    if (last.outcome === 'failed') return ` and REFRESH_COMMAND failed at ${last.at} (${last.detail ?? 'unknown error'})`;
    return ` and REFRESH_COMMAND (last run ${last.at}) did not renew it`;
  }
}
