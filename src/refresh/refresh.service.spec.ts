import 'reflect-metadata';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { testConfig } from '../config/testing.js';
import type { ClaudeLogin } from '../login/claude-login.js';
import type { LoginRead } from '../login/login-token.js';
import type { CommandResult, CommandRunner } from '../system/command-runner.js';
import { RefreshService } from './refresh.service.js';

/** A login whose token the fake command replaces when `renew` is set. */
class FakeWorld {
  token = 'tok-1';
  expiresAtMs: number | null = Date.now() + 3_600_000;
  renew = false;
  runs = 0;
  release: (() => void) | null = null;
  gated = false;

  login = {
    read: async (): Promise<LoginRead> => ({
      ok: true,
      origin: '/x/.credentials.json',
      token: { accessToken: this.token, expiresAtMs: this.expiresAtMs },
    }),
  } as unknown as ClaudeLogin;

  runner = {
    run: async (): Promise<CommandResult> => {
      this.runs++;
      if (this.gated) await new Promise<void>((resolve) => (this.release = resolve));
      if (this.renew) {
        this.token = `tok-${this.runs + 1}`;
        this.expiresAtMs = Date.now() + 8 * 3_600_000;
      }
      return { ok: true, stdout: '', stderr: '' };
    },
  } as unknown as CommandRunner;
}

/** The real validated defaults, so the numbers below are the shipped ones. */
function service(world: FakeWorld, env: Record<string, string> = {}) {
  const config = testConfig({ CLAUDE_CONFIG_DIR: '/x', ...env });
  const scheduler = new SchedulerRegistry();
  return { refresh: new RefreshService(config, world.runner, world.login, scheduler), scheduler };
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

it('runs at start-up, every REFRESH_INTERVAL_HOURS, and when the check finds expiry within REFRESH_AHEAD_MINUTES', async () => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
  const world = new FakeWorld();
  world.expiresAtMs = Date.now() + 1000 * 3_600_000;
  const { refresh, scheduler } = service(world);
  refresh.onApplicationBootstrap();
  await flush();
  expect(world.runs).toBe(1);

  await jest.advanceTimersByTimeAsync(23 * 3_600_000);
  expect(world.runs).toBeGreaterThanOrEqual(2);
  expect(refresh.last?.trigger).toBe('interval');

  // From here on the login expires within ten minutes: the next check runs the command.
  world.expiresAtMs = Date.now() + 9 * 60_000;
  const before = world.runs;
  await jest.advanceTimersByTimeAsync(60_000);
  expect(world.runs).toBe(before + 1);
  expect(refresh.last?.trigger).toBe('ahead');
  for (const name of scheduler.getIntervals()) scheduler.deleteInterval(name);
  for (const name of scheduler.getCronJobs().keys()) scheduler.deleteCronJob(name);
  // 23 fake hours fire the per-minute cron ~1,400 times: slow on a loaded machine.
}, 60_000);

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
  expect(scheduler.getIntervals()).toEqual([]);
  expect(scheduler.getCronJobs().size).toBe(0);
  expect(world.runs).toBe(0);
});
