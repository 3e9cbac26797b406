import { Injectable, Logger } from '@nestjs/common';
import { GatewayError } from '../common/errors/gateway-error.js';
import { ClaudeLogin } from './login/claude-login.js';
import { type LoginRead, loginHelp } from './login/login-token.js';
import { GatewayMetrics } from '../observability/metrics/gateway-metrics.js';
import { RefreshService } from '../refresh/refresh.service.js';
import type { CredentialState } from './upstream-auth.js';

/** A judgement on the login as read now; `renewable` when running the command might help. */
type LoginVerdict =
  | { usable: true; token: string; expiresAtMs: number | null }
  | { usable: false; reason: string; renewable?: { trigger: 'expired' | 'rejected'; token: string } };

/**
 * The Claude Code login as a credential: read it, judge it (expired? the
 * very token a 401 answered?), and have it renewed through RefreshService
 * when that might help. Upstream asks `token()` before every request;
 * CredentialRefusal reports a 401 through `rejected()` and asks again.
 */
@Injectable()
export class LoginCredential {
  private readonly logger = new Logger('Credentials');
  /** The token a 401 from Anthropic was answered to; unusable until the login holds another. */
  private rejectedToken: string | null = null;

  constructor(
    private readonly login: ClaudeLogin,
    private readonly refresh: RefreshService,
    private readonly metrics: GatewayMetrics,
  ) {}

  get path(): string {
    return this.login.path;
  }

  /** At start-up: a broken login shows in the first log lines rather than at the first request. */
  async inspect(): Promise<void> {
    this.metrics.watchLoginExpiry(async () => {
      const read = await this.login.read();
      return read.ok ? read.token.expiresAtMs : null;
    });
    const warning = await this.login.permissionWarning();
    if (warning) this.logger.warn(warning);
    await this.login.read();
  }

  /**
   * A usable token, renewed first when it is expired or was rejected. The
   * upstream port asks on every request; ClaudeLogin's stat check is what
   * keeps that cheap, so a renewed file is used by the very next request.
   */
  async token(): Promise<string> {
    let verdict = this.judge(await this.login.read());
    if (!verdict.usable && verdict.renewable) {
      await this.refresh.runForRequest(verdict.renewable.trigger, verdict.renewable.token);
      verdict = this.judge(await this.login.read());
    }
    if (!verdict.usable) {
      throw new GatewayError(401, verdict.reason, { type: 'authentication_error', code: 'credentials_unavailable' });
    }
    return verdict.token;
  }

  /** Anthropic answered 401 to this token. */
  rejected(token: string): void {
    this.rejectedToken = token;
  }

  async state(): Promise<Omit<CredentialState, 'source'>> {
    const verdict = this.judge(await this.login.read());
    const lastRefresh = this.refresh.last;
    if (!verdict.usable) return { usable: false, reason: verdict.reason, lastRefresh };
    const expiresInSeconds =
      verdict.expiresAtMs === null ? undefined : Math.floor((verdict.expiresAtMs - Date.now()) / 1000);
    return { usable: true, expiresInSeconds, lastRefresh };
  }

  private judge(read: LoginRead): LoginVerdict {
    if (!read.ok) return { usable: false, reason: `The Claude Code login is unusable: ${read.problem}. ${this.help(read)}` };
    const { accessToken, expiresAtMs } = read.token;
    if (this.rejectedToken !== null && accessToken !== this.rejectedToken) this.rejectedToken = null;
    const refreshNote = this.describeLastRefresh();
    if (accessToken === this.rejectedToken) {
      return {
        usable: false,
        reason: `Anthropic rejected the Claude Code login token from ${read.origin} (401)${refreshNote}. ${this.help(read)}`,
        renewable: { trigger: 'rejected', token: accessToken },
      };
    }
    if (expiresAtMs !== null && expiresAtMs <= Date.now()) {
      return {
        usable: false,
        reason: `The Claude Code login token in ${read.origin} expired at ${new Date(expiresAtMs).toISOString()}${refreshNote}. ${this.help(read)}`,
        renewable: { trigger: 'expired', token: accessToken },
      };
    }
    return { usable: true, token: accessToken, expiresAtMs };
  }

  /** What to do, for this login: a signed-out one needs a new sign-in, and a missing CLI is said first. */
  private help(read: LoginRead): string {
    return loginHelp({ signedOut: !read.ok && read.kind === 'signed-out', missingCli: this.refresh.missingCli });
  }

  private describeLastRefresh(): string {
    const last = this.refresh.last;
    if (!last) return ' and REFRESH_COMMAND has not run yet';
    if (last.outcome === 'failed') return ` and REFRESH_COMMAND failed at ${last.at} (${last.detail ?? 'unknown error'})`;
    return ` and REFRESH_COMMAND (last run ${last.at}) did not renew it`;
  }
}
