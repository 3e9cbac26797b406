import { expect, it, jest } from '@jest/globals';
import { METRIC } from '../../src/observability/metrics/gateway-metrics.js';
import { HOUR, oauthToken, waitFor } from '../support/claude-home.js';
import { startGateway } from '../support/gateway.js';
import { ask, refreshOf, startLoginGateway, useLoginWorld } from '../support/login-gateway.js';
import { Scrape } from '../support/metrics.js';

jest.setTimeout(60_000);

let tokens: string[] = [];
const world = useLoginWorld({
  auth: () => {
    tokens = [];
    return { oauthTokens: [], expiredTokens: [] };
  },
});

const token = (label: string) => {
  const t = oauthToken(label);
  tokens.push(t);
  world.standIn.auth!.oauthTokens!.push(t);
  return t;
};

it('counts refresh runs by trigger and outcome, and counts down the login token time left', async () => {
  const first = token('metrics-one');
  const second = token('metrics-two');
  await world.home.installFakeClaude();
  // Hours from expiry, where the real CLI renews nothing either: the start-up run leaves it unchanged.
  // (real-cli.e2e-spec.ts proves the same counts against the real CLI; this one runs wherever it cannot.)
  await world.home.writeLogin(first, Date.now() + 2 * HOUR);
  world.gw = await startLoginGateway(world.standIn, world.home);

  let scrape = await Scrape.from(world.gw.url);
  expect(scrape.value(METRIC.refreshRuns, { trigger: 'startup', outcome: 'unchanged' })).toBe(1);
  const left = scrape.value(METRIC.loginExpiry, { credential: 'claude-login' });
  expect(left).toBeGreaterThan(2 * 3600 - 60);
  expect(left).toBeLessThanOrEqual(2 * 3600);

  // Inside the renewal window, a renewal the next run picks up: counted as renewed, and the countdown follows the new expiry.
  await world.home.writeLogin(first, Date.now() + 3 * 60_000);
  await world.home.stageRenewal(second, Date.now() + 8 * HOUR);
  await refreshOf(world.gw).run('ahead');
  await ask(world.gw);
  await waitFor(async () => (await Scrape.from(world.gw!.url)).value(METRIC.loginExpiry) > 7 * HOUR / 1000, 'the renewed expiry in /metrics');
  scrape = await Scrape.from(world.gw.url);
  expect(scrape.value(METRIC.refreshRuns, { trigger: 'ahead', outcome: 'renewed' })).toBe(1);
  for (const secret of tokens) expect(scrape.text).not.toContain(secret);
});

it('has no login countdown series for other credentials', async () => {
  world.gw = await startGateway(world.standIn);
  const scrape = await Scrape.from(world.gw.url);
  expect(scrape.samples(METRIC.loginExpiry)).toEqual([]);
  expect(scrape.family(METRIC.loginExpiry)).toBeDefined();
});
