import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import { Cron, SchedulerRegistry } from '@nestjs/schedule';
import { CronTime } from 'cron';
import { GatewayError } from '../common/errors/gateway-error.js';
import { redactSecrets, rememberSecret } from '../common/redaction/redact.js';
import { AppConfig } from '../config/app-config.js';
import { ClaudeLogin } from '../auth/login/claude-login.js';
import { GatewayMetrics } from '../observability/metrics/gateway-metrics.js';
import type { REFRESH_TRIGGERS } from '../observability/metrics/metric-labels.js';
import type { LoginRead } from '../auth/login/login-token.js';
import { SharedLock } from '../store/shared-lock.js';
import { type CommandResult, CommandRunner } from '../auth/system/command-runner.js';

/** What started a run: start-up, the refresh-ahead check, or a request that met an unusable token. */
export type RefreshTrigger = (typeof REFRESH_TRIGGERS)[number];

export interface RefreshRecord {
  /** When the run ended, ISO 8601. */
  at: string;
  trigger: RefreshTrigger;
  /**
   * `renewed`: the login now holds another token or a later expiry;
   * `unchanged`: the command ran but left the login as it was;
   * `failed`: it did not run to success and renewed nothing.
   */
  outcome: 'renewed' | 'unchanged' | 'failed';
  tokenChanged: boolean;
  /** Why a run failed, for operators (never command output that could hold a secret unredacted). */
  detail?: string;
}

export const AHEAD_JOB = 'credentials-refresh-ahead';

/**
 * The placeholder schedule of the refresh-ahead check. The decorator's
 * expression is fixed before configuration exists, so the job is declared
 * disabled and given REFRESH_CHECK_CRON at bootstrap (or removed when the
 * credential is not a Claude Code login).
 */
const DECLARED_CRON = '0 * * * * *';

/**
 * Keeps the Claude Code login alive by running REFRESH_COMMAND (by default
 * `claude -p /cost`: the CLI renews a login within 5 minutes of expiry and
 * saves it, and `/cost` is answered locally without a model request). It
 * runs at start-up, when the refresh-ahead check finds the token within
 * REFRESH_AHEAD_MINUTES of expiry, and when a request meets an expired or
 * rejected token. One run at a time: concurrent callers share it. Whether
 * it worked is read from the login afterwards, never from the exit code.
 * Nothing here applies to an API key or a fixed OAuth token.
 */
@Injectable()
export class RefreshService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Refresh');
  readonly enabled: boolean;
  private readonly argv: readonly string[];
  private inFlight: Promise<RefreshRecord> | null = null;
  private lastRecord: RefreshRecord | null = null;
  /** What the last run left behind, to hold back request-triggered runs that cannot help. */
  private lastResult: { token: string | null; endedAt: number; stillBad: boolean } | null = null;
  private missingCliName: string | null = null;
  private stopping = false;

  constructor(
    private readonly config: AppConfig,
    private readonly runner: CommandRunner,
    private readonly login: ClaudeLogin,
    private readonly scheduler: SchedulerRegistry,
    @Optional() private readonly metrics?: GatewayMetrics,
    /** With Redis, one replica at a time runs the command; the others wait for it and re-read the login. */
    @Optional() private readonly lock: SharedLock = new SharedLock(),
  ) {
    this.enabled = config.loginDir !== null;
    this.argv = config.refreshArgv;
  }

  get last(): RefreshRecord | null {
    return this.lastRecord;
  }

  /** The command's program when the last run found it missing from PATH, so advice can say that first. */
  get missingCli(): string | null {
    return this.missingCliName;
  }

  /**
   * Runs after @nestjs/schedule has mounted the declared job (RefreshModule
   * imports ScheduleModule, so the scheduler's bootstrap comes first).
   */
  onApplicationBootstrap(): void {
    if (!this.scheduler.doesExist('cron', AHEAD_JOB)) {
      throw new Error(`The ${AHEAD_JOB} job is not registered: ScheduleModule must bootstrap before RefreshModule`);
    }
    if (!this.enabled) {
      this.scheduler.deleteCronJob(AHEAD_JOB);
      return;
    }
    const job = this.scheduler.getCronJob(AHEAD_JOB);
    job.setTime(new CronTime(this.config.get('REFRESH_CHECK_CRON')));
    job.start();
    // Not awaited: a slow CLI must not hold up listening; requests that need
    // the result join this run through the single flight.
    this.runInBackground('startup');
  }

  /**
   * Shutdown must not wait for a hung CLI: the command is killed (by the
   * runner, in the same phase) and requests waiting on it get a 503 at once
   * instead of holding the server open until REFRESH_TIMEOUT_MS.
   */
  beforeApplicationShutdown(): void {
    this.stopping = true;
    this.runner.killAll();
  }

  /** The scheduled refresh-ahead check; a tick never throws. */
  @Cron(DECLARED_CRON, { name: AHEAD_JOB, disabled: true })
  async onAheadTick(): Promise<void> {
    await this.checkAhead().catch((error) => this.logUnexpected('ahead', error));
  }

  /** Runs the command when the token expires within REFRESH_AHEAD_MINUTES. */
  async checkAhead(): Promise<RefreshRecord | null> {
    if (this.inFlight || this.stopping) return null;
    const login = await this.login.read();
    if (!login.ok || login.token.expiresAtMs === null) return null;
    const aheadMs = this.config.get('REFRESH_AHEAD_MINUTES') * 60_000;
    if (login.token.expiresAtMs - Date.now() > aheadMs) return null;
    return this.run('ahead');
  }

  /** A run nobody awaits must still never become an unhandled rejection. */
  private runInBackground(trigger: RefreshTrigger): void {
    this.run(trigger).catch((error) => this.logUnexpected(trigger, error));
  }

  private logUnexpected(trigger: RefreshTrigger, error: unknown): void {
    this.logger.error(redactSecrets(`Refresh (${trigger}) failed unexpectedly: ${(error as Error)?.message ?? error}`));
  }

  /** Runs the command, or joins the run already under way. */
  run(trigger: RefreshTrigger): Promise<RefreshRecord> {
    this.inFlight ??= this.execute(trigger).finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  /**
   * For a request holding an expired or rejected token. Skipped when a run
   * that ended within REFRESH_RETRY_SECONDS already left this token in place
   * while it was known to be bad: the same command run again right away would
   * not renew it either. During shutdown the request gets a 503 instead.
   */
  async runForRequest(trigger: 'expired' | 'rejected', token: string): Promise<void> {
    this.failIfStopping();
    const recent = this.lastResult;
    const retryMs = this.config.get('REFRESH_RETRY_SECONDS') * 1000;
    const heldBack = recent?.stillBad && recent.token === token && Date.now() - recent.endedAt < retryMs;
    if (this.inFlight || !heldBack) await this.run(trigger);
    this.failIfStopping();
  }

  private failIfStopping(): void {
    if (!this.stopping) return;
    throw new GatewayError(
      503,
      'The gateway is shutting down, so the Claude Code login renewal this request waited for was abandoned. Retry the request.',
      { code: 'shutting_down' },
    );
  }

  private async execute(trigger: RefreshTrigger): Promise<RefreshRecord> {
    const before = loginOf(await this.login.read());
    let result: CommandResult;
    let elsewhere = false;
    if (this.stopping) {
      result = { ok: false, failure: 'error', exitCode: null, stdout: '', stderr: '', message: 'not run: the gateway is shutting down' };
    } else {
      const timeoutMs = this.config.get('REFRESH_TIMEOUT_MS');
      // Held a little longer than the command may run, so it never lapses under a run still going.
      const locked = await this.lock.exclusive('login-refresh', timeoutMs + 5000, () => {
        this.logger.debug(`Running REFRESH_COMMAND (${trigger})`);
        return this.runner.run(this.argv, {
          timeoutMs,
          // So the CLI renews the very login this gateway reads.
          env: { CLAUDE_CONFIG_DIR: this.config.loginDir ?? this.config.get('CLAUDE_CONFIG_DIR') },
        });
      });
      // Another replica ran it: what it did shows in the login, read below like after a run here.
      result = locked.ran ? locked.value : { ok: true, stdout: '', stderr: '' };
      elsewhere = !locked.ran;
    }
    // The command's exit status says nothing about renewal: read the login itself.
    const read = await this.login.read({ fresh: true });
    const after = loginOf(read);
    const tokenChanged = after !== null && after.accessToken !== before?.accessToken;
    const expiryMoved = after?.expiresAtMs != null && (before?.expiresAtMs == null || after.expiresAtMs > before.expiresAtMs);
    const renewed = after !== null && (tokenChanged || expiryMoved);
    const expired = after?.expiresAtMs != null && after.expiresAtMs <= Date.now();
    const requested = trigger === 'expired' || trigger === 'rejected';
    this.lastResult = {
      token: after?.accessToken ?? null,
      endedAt: Date.now(),
      stillBad: after === null || expired || (requested && !renewed),
    };
    const record: RefreshRecord = {
      at: new Date().toISOString(),
      trigger,
      outcome: renewed ? 'renewed' : result.ok ? 'unchanged' : 'failed',
      tokenChanged,
    };
    if (elsewhere) record.detail = 'REFRESH_COMMAND ran on another replica';
    if (result.ok || result.failure !== 'not-found') this.missingCliName = null;
    if (!result.ok) {
      // Redacted by value (the tokens read before and after, whatever their
      // shape, remembered as secrets from now on) and by the `sk-ant-` pattern:
      // a CLI may echo either in its output.
      for (const secret of secretsOf(before, after)) rememberSecret(secret);
      const redact = redactSecrets;
      if (result.failure === 'not-found') {
        record.detail = `\`${this.argv[0]}\` was not found on PATH`;
        if (this.missingCliName === null) {
          this.logger.warn(
            `REFRESH_COMMAND \`${this.argv[0]}\` was not found on PATH; the Claude Code login will not be renewed automatically`,
          );
        }
        this.missingCliName = this.argv[0];
      } else {
        record.detail = redact(`\`${this.argv[0]}\` ${result.message}`);
        const firstLine = redact(result.stderr.trim().split('\n')[0] ?? '').slice(0, 200);
        this.logger.warn(`REFRESH_COMMAND (${trigger}) ${record.detail}${firstLine ? `: ${firstLine}` : ''}`);
      }
    }
    this.logger.log(`Refresh (${trigger}): ${record.outcome}, token ${tokenChanged ? 'changed' : 'not changed'}${elsewhere ? ' (run by another replica)' : ''}`);
    this.metrics?.refreshRan(trigger, record.outcome);
    this.lastRecord = record;
    return record;
  }
}

const loginOf = (read: LoginRead) => (read.ok ? read.token : null);

function secretsOf(...logins: Array<{ accessToken: string; refreshToken: string | null } | null>): string[] {
  return logins.flatMap((login) => (login ? [login.accessToken, login.refreshToken ?? ''] : []));
}
