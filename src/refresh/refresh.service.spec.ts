import 'reflect-metadata';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { GatewayError } from '../common/errors/gateway-error.js';
import { testConfig } from '../config/testing.js';
import type { ClaudeLogin } from '../auth/login/claude-login.js';
import type { LoginRead } from '../auth/login/login-token.js';
import type { CommandResult, CommandRunner } from '../auth/system/command-runner.js';
import { type LockOutcome, SharedLock } from '../store/shared-lock.js';
import { AHEAD_JOB, RefreshService } from './refresh.service.js';

/** A login whose token the fake command replaces when `renew` is set. */
class FakeWorld {
  token = 'tok-1';
  expiresAtMs: number | null = Date.now() + 3_600_000;
  renew = false;
  /** Renew by moving the expiry only, keeping the same access token. */
  extendOnly = false;
  stderr = '';
  exitCode = 0;
  runs = 0;
  release: (() => void) | null = null;
  gated = false;

  login = {
    read: async (): Promise<LoginRead> => ({
      ok: true,
      origin: '/x/.credentials.json',
      token: { accessToken: this.token, refreshToken: `refresh-of-${this.token}`, expiresAtMs: this.expiresAtMs },
    }),
  } as unknown as ClaudeLogin;

  runner = {
    run: async (): Promise<CommandResult> => {
      this.runs++;
      if (this.gated) await new Promise<void>((resolve) => (this.release = resolve));
      if (this.renew) {
        if (!this.extendOnly) this.token = `tok-${this.runs + 1}`;
        this.expiresAtMs = Date.now() + 8 * 3_600_000;
      }
      if (this.exitCode !== 0) {
        return { ok: false, failure: 'exit', exitCode: this.exitCode, stdout: '', stderr: this.stderr, message: `exited with code ${this.exitCode}` };
      }
      return { ok: true, stdout: '', stderr: this.stderr };
    },
    killAll: () => this.release?.(),
  } as unknown as CommandRunner;
}

/** The real validated defaults, so the numbers below are the shipped ones. */
function service(world: FakeWorld, env: Record<string, string> = {}, lock?: SharedLock) {
  const config = testConfig({ CLAUDE_CONFIG_DIR: '/x', ...env });
  const scheduler = new SchedulerRegistry();
  const refresh = new RefreshService(config, world.runner, world.login, scheduler, undefined, lock);
  // What @nestjs/schedule's orchestrator does with the declared @Cron job before this service boots.
  scheduler.addCronJob(AHEAD_JOB, CronJob.from({ cronTime: '0 * * * * *', onTick: () => refresh.onAheadTick(), start: false }));
  return { refresh, scheduler };
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

beforeAll(() => Logger.overrideLogger(false));
afterEach(() => jest.useRealTimers());

it('shares one run among concurrent callers and records whether the token changed', async () => {
  const world = new FakeWorld();
  world.gated = true;
  world.renew = true;
  const { refresh } = service(world);
  const runs = [refresh.run('expired'), refresh.run('ahead'), refresh.run('rejected')];
  await flush();
  world.release!();
  const records = await Promise.all(runs);
  expect(world.runs).toBe(1);
  expect(new Set(records).size).toBe(1);
  expect(records[0]).toMatchObject({ trigger: 'expired', outcome: 'renewed', tokenChanged: true });
});

it('runs at start-up, then whenever the check finds expiry within REFRESH_AHEAD_MINUTES (4 by default), not before', async () => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
  const world = new FakeWorld();
  world.expiresAtMs = Date.now() + 1000 * 3_600_000;
  const { refresh, scheduler } = service(world);
  refresh.onApplicationBootstrap();
  await flush();
  expect(world.runs).toBe(1);
  expect(scheduler.getCronJob(AHEAD_JOB).isActive).toBe(true);

  // Far from expiry, an hour of checks runs nothing: there is no blind periodic run.
  await jest.advanceTimersByTimeAsync(3_600_000);
  expect(world.runs).toBe(1);

  // Five minutes out is still outside the default window; four is inside it.
  world.expiresAtMs = Date.now() + 5 * 60_000 + 30_000;
  await jest.advanceTimersByTimeAsync(60_000);
  expect(world.runs).toBe(1);
  world.expiresAtMs = Date.now() + 3 * 60_000 + 50_000;
  await jest.advanceTimersByTimeAsync(60_000);
  expect(world.runs).toBe(2);
  expect(refresh.last?.trigger).toBe('ahead');
  scheduler.getCronJob(AHEAD_JOB).stop();
});

it('takes its check schedule from REFRESH_CHECK_CRON', () => {
  const world = new FakeWorld();
  const { refresh, scheduler } = service(world, { REFRESH_CHECK_CRON: '*/7 * * * * *' });
  refresh.onApplicationBootstrap();
  const job = scheduler.getCronJob(AHEAD_JOB);
  expect(job.cronTime.source).toBe('*/7 * * * * *');
  job.stop();
});

it('judges a run by the login it leaves: a later expiry with the same token is a renewal', async () => {
  const world = new FakeWorld();
  world.renew = true;
  world.extendOnly = true;
  world.expiresAtMs = Date.now() - 1;
  const { refresh } = service(world);
  expect(await refresh.run('expired')).toMatchObject({ outcome: 'renewed', tokenChanged: false });
});

it('judges a run by the login, not the exit code: exit 0 without renewal is "unchanged", a failing exit that renewed is "renewed"', async () => {
  const world = new FakeWorld();
  const { refresh } = service(world);
  expect(await refresh.run('startup')).toMatchObject({ outcome: 'unchanged' });
  world.renew = true;
  world.exitCode = 1;
  expect(await refresh.run('startup')).toMatchObject({ outcome: 'renewed', tokenChanged: true });
});

it('redacts the login tokens it read from the command output it logs, whatever their shape', async () => {
  const logged: string[] = [];
  Logger.overrideLogger({ log: () => undefined, error: (m: string) => logged.push(m), warn: (m: string) => logged.push(m), debug: () => undefined, verbose: () => undefined });
  try {
    const world = new FakeWorld();
    world.token = 'opaque-access-7f3e9a1c5b';
    world.exitCode = 2;
    world.stderr = 'refresh failed for opaque-access-7f3e9a1c5b with refresh-of-opaque-access-7f3e9a1c5b and sk-ant-ort01-xyz\n';
    const { refresh } = service(world);
    const record = await refresh.run('expired');
    const text = logged.join('\n') + JSON.stringify(record);
    expect(text).toContain('refresh failed for *** with ***');
    expect(text).not.toContain('opaque-access-7f3e9a1c5b');
    expect(text).not.toContain('sk-ant-ort01-xyz');
  } finally {
    Logger.overrideLogger(false);
  }
});

it('at shutdown, a request waiting on a hung command gets a 503 at once, and no new run starts', async () => {
  const world = new FakeWorld();
  world.gated = true;
  world.expiresAtMs = Date.now() - 1;
  const { refresh } = service(world);
  const waiting = refresh.runForRequest('expired', 'tok-1').catch((error) => error);
  await flush();
  refresh.beforeApplicationShutdown();
  const error = await waiting;
  expect(error).toBeInstanceOf(GatewayError);
  expect(error.status).toBe(503);
  expect(error.message).toContain('shutting down');
  await expect(refresh.runForRequest('expired', 'tok-1')).rejects.toMatchObject({ status: 503 });
  expect(world.runs).toBe(1);
});

it('holds back a request-triggered run right after a run left the same bad token, then tries again later', async () => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
  const world = new FakeWorld();
  world.expiresAtMs = Date.now() - 1;
  const { refresh } = service(world);
  await refresh.run('startup');
  await refresh.runForRequest('expired', 'tok-1');
  expect(world.runs).toBe(1);
  await jest.advanceTimersByTimeAsync(31_000);
  await refresh.runForRequest('expired', 'tok-1');
  expect(world.runs).toBe(2);
});

it('does not hold back a run for a token that was still valid when the last run ended', async () => {
  const world = new FakeWorld();
  const { refresh } = service(world);
  await refresh.run('startup');
  world.expiresAtMs = Date.now() - 1;
  await refresh.runForRequest('expired', 'tok-1');
  expect(world.runs).toBe(2);
});

it('schedules nothing when an API key or a fixed token is in use', () => {
  const world = new FakeWorld();
  const { refresh, scheduler } = service(world, { ANTHROPIC_API_KEY: 'sk-ant-api03-xxxxxxxx' });
  refresh.onApplicationBootstrap();
  expect(refresh.enabled).toBe(false);
  expect(scheduler.getCronJobs().size).toBe(0);
  expect(world.runs).toBe(0);
});

it('runs the command under the shared lock, and when another replica held it, re-reads the login that replica renewed', async () => {
  const world = new FakeWorld();
  world.renew = true;
  const names: string[] = [];
  // Another replica holds the lock: it renews the login while this one waits, then this one is told it did not run.
  const elsewhere = new (class extends SharedLock {
    override async exclusive<T>(name: string): Promise<LockOutcome<T>> {
      names.push(name);
      world.token = 'tok-from-another-replica';
      return { ran: false };
    }
  })();
  const { refresh } = service(world, {}, elsewhere);
  const record = await refresh.run('expired');
  expect(names).toEqual(['login-refresh']);
  expect(world.runs).toBe(0);
  expect(record).toMatchObject({ outcome: 'renewed', tokenChanged: true, detail: 'REFRESH_COMMAND ran on another replica' });
  // Holding the lock itself, it runs the command.
  const { refresh: holder } = service(world, {}, new SharedLock());
  expect(await holder.run('expired')).toMatchObject({ outcome: 'renewed' });
  expect(world.runs).toBe(1);
});
