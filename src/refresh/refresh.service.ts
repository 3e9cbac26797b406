import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { redactSecrets } from '../common/redact.js';
import { AppConfig } from '../config/app-config.js';
import { ClaudeLogin } from '../login/claude-login.js';
import type { LoginRead } from '../login/login-token.js';
import { CommandRunner } from '../system/command-runner.js';

/** What started a run: the schedule, or a request that met an unusable token. */
export type RefreshTrigger = 'startup' | 'interval' | 'ahead' | 'expired' | 'rejected';

export interface RefreshRecord {
  /** When the run ended, ISO 8601. */
  at: string;
  trigger: RefreshTrigger;
  /** `renewed`: the token changed; `unchanged`: the command ran but left the same token; `failed`: it did not run to success. */
  outcome: 'renewed' | 'unchanged' | 'failed';
  tokenChanged: boolean;
  /** Why a run failed, for operators (never command output that could hold a secret unredacted). */
  detail?: string;
}

export const INTERVAL_JOB = 'credentials-refresh';
export const AHEAD_JOB = 'credentials-refresh-ahead';

/**
 * Keeps the Claude Code login alive by running REFRESH_COMMAND (by default
 * `claude --version`, which lets the CLI renew an expiring login): at
 * start-up, every REFRESH_INTERVAL_HOURS, when the token is about to expire,
 * and when a request meets an expired or rejected token. Only one run at a
 * time: concurrent callers share it. Nothing here applies to an API key or a
 * fixed OAuth token, which the CLI cannot renew.
 */
@Injectable()
export class RefreshService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Refresh');
  readonly enabled: boolean;
  private readonly argv: readonly string[];
  private inFlight: Promise<RefreshRecord> | null = null;
  private lastRecord: RefreshRecord | null = null;
  /** What the last run left behind, to hold back request-triggered runs that cannot help. */
  private lastResult: { token: string | null; endedAt: number; stillBad: boolean } | null = null;
  private missingCliReported = false;

  constructor(
    private readonly config: AppConfig,
    private readonly runner: CommandRunner,
    private readonly login: ClaudeLogin,
    private readonly scheduler: SchedulerRegistry,
  ) {
    this.enabled = config.credentialSource === 'claude-login';
    this.argv = config.refreshArgv;
  }

  get last(): RefreshRecord | null {
    return this.lastRecord;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    const hours = this.config.get('REFRESH_INTERVAL_HOURS');
    this.scheduler.addInterval(INTERVAL_JOB, setInterval(() => this.runInBackground('interval'), hours * 3_600_000));
    // A cron job registered here rather than through @Cron: the decorator's
    // expression is fixed before the configuration exists.
    const ahead = CronJob.from({
      cronTime: this.config.get('REFRESH_CHECK_CRON'),
      onTick: () => void this.checkAhead().catch((error) => this.logUnexpected('ahead', error)),
    });
    this.scheduler.addCronJob(AHEAD_JOB, ahead);
    ahead.start();
    // Not awaited: a slow CLI must not hold up listening; requests that need
    // the result join this run through the single flight.
    this.runInBackground('startup');
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

  /** The scheduled refresh-ahead check: run when the token expires within REFRESH_AHEAD_MINUTES. */
  async checkAhead(): Promise<RefreshRecord | null> {
    if (this.inFlight) return null;
    const login = await this.login.read();
    if (!login.ok || login.token.expiresAtMs === null) return null;
    const aheadMs = this.config.get('REFRESH_AHEAD_MINUTES') * 60_000;
    if (login.token.expiresAtMs - Date.now() > aheadMs) return null;
    return this.run('ahead');
  }

  /**
   * For a request holding an expired or rejected token. Skipped when a run
   * that ended within REFRESH_RETRY_SECONDS already left this token in place
   * while it was known to be bad: the same command run again right away would
   * not renew it either.
   */
  async runForRequest(trigger: 'expired' | 'rejected', token: string): Promise<void> {
    if (this.inFlight) {
      await this.inFlight;
      return;
    }
    const recent = this.lastResult;
    const retryMs = this.config.get('REFRESH_RETRY_SECONDS') * 1000;
    if (recent?.stillBad && recent.token === token && Date.now() - recent.endedAt < retryMs) return;
    await this.run(trigger);
  }

  private async execute(trigger: RefreshTrigger): Promise<RefreshRecord> {
    const before = tokenOf(await this.login.read());
    this.logger.debug(`Running REFRESH_COMMAND (${trigger})`);
    const result = await this.runner.run(this.argv, {
      timeoutMs: this.config.get('REFRESH_TIMEOUT_MS'),
      // So the CLI renews the very login this gateway reads.
      env: { CLAUDE_CONFIG_DIR: this.config.get('CLAUDE_CONFIG_DIR') },
    });
    // The command's exit status says nothing about renewal: check the login itself.
    const read = await this.login.read({ fresh: true });
    const after = tokenOf(read);
    const tokenChanged = after !== null && after !== before;
    const expired = read.ok && read.token.expiresAtMs !== null && read.token.expiresAtMs <= Date.now();
    const requested = trigger === 'expired' || trigger === 'rejected';
    this.lastResult = { token: after, endedAt: Date.now(), stillBad: expired || (requested && !tokenChanged) };
    const record: RefreshRecord = {
      at: new Date().toISOString(),
      trigger,
      outcome: !result.ok && !tokenChanged ? 'failed' : tokenChanged ? 'renewed' : 'unchanged',
      tokenChanged,
    };
    if (!result.ok) {
      record.detail = redactSecrets(`\`${this.argv[0]}\` ${result.message}`);
      const firstLine = redactSecrets(result.stderr.trim().split('\n')[0] ?? '').slice(0, 200);
      if (result.failure === 'not-found') {
        if (!this.missingCliReported) {
          this.missingCliReported = true;
          this.logger.warn(
            `REFRESH_COMMAND \`${this.argv[0]}\` was not found on PATH; the Claude Code login will not be renewed automatically`,
          );
        }
      } else {
        this.logger.warn(`REFRESH_COMMAND (${trigger}) ${record.detail}${firstLine ? `: ${firstLine}` : ''}`);
      }
    }
    this.logger.log(`Refresh (${trigger}): ${record.outcome}, token ${tokenChanged ? 'changed' : 'not changed'}`);
    this.lastRecord = record;
    return record;
  }
}

const tokenOf = (read: LoginRead): string | null => (read.ok ? read.token.accessToken : null);
