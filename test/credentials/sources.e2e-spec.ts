import { SchedulerRegistry } from '@nestjs/schedule';
import { InvalidEnvironmentError } from '../../src/config/environment.js';
import { AHEAD_JOB } from '../../src/refresh/refresh.service.js';
import { OAUTH_BETA } from '../support/anthropic-stand-in.js';
import { ClaudeHome, HOUR, oauthToken, waitFor } from '../support/claude-home.js';
import { startGateway, TEST_API_KEY } from '../support/gateway.js';
import { ask, health, refreshOf, startLoginGateway, useLoginWorld } from '../support/login-gateway.js';

const loginToken = oauthToken('login');
const setupToken = oauthToken('setup');
const accessToken = oauthToken('access');

const world = useLoginWorld({
  auth: () => ({ apiKeys: [TEST_API_KEY], oauthTokens: [loginToken, setupToken, accessToken] }),
  prepare: async (home) => {
    await home.installFakeClaude();
    await home.writeLogin(loginToken, Date.now() + 8 * HOUR);
  },
});

const beta = () => String(world.standIn.last.headers['anthropic-beta'] ?? '');
const noSecretsIn = (text: string) => {
  for (const secret of [TEST_API_KEY, loginToken, setupToken, accessToken]) {
    expect(text).not.toContain(secret);
    // The random tail alone, so that a redacted prefix would not hide a leak.
    expect(text).not.toContain(secret.slice(-24));
  }
};

/** Long enough for a start-up refresh to have shown up in the calls log, were there one. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

it('uses ANTHROPIC_API_KEY before any OAuth token or login, without the OAuth beta, and never runs the refresh command', async () => {
  world.gw = await startGateway(world.standIn, world.home.env({ ANTHROPIC_API_KEY: TEST_API_KEY, CLAUDE_CODE_OAUTH_TOKEN: setupToken }));
  await ask(world.gw);
  // SDK 1.13 sends an API key as a Bearer credential; the API accepts both forms.
  expect(world.standIn.last.headers['x-api-key']).toBe(TEST_API_KEY);
    expect(world.standIn.last.headers.authorization).toBeUndefined();
  expect(beta()).not.toContain(OAUTH_BETA);
  const ready = await health(world.gw);
  expect(ready.status).toBe(200);
  expect(ready.body.details.credentials).toEqual({ status: 'up', source: 'api-key' });
  await settle();
  expect(await world.home.calls()).toEqual([]);
  expect(refreshOf(world.gw).last).toBeNull();
  expect(world.gw.app.get(SchedulerRegistry).getIntervals()).toEqual([]);
  expect(world.gw.app.get(SchedulerRegistry).getCronJobs().size).toBe(0);
  expect(world.gw.logs.text).toContain('Using credential source: api-key');
  noSecretsIn(world.gw.logs.text + ready.text);
});

it('refuses to start with an OAuth token in ANTHROPIC_API_KEY, naming the variable it belongs in, before any request meets a 401', async () => {
  // The easy mistake with what `claude setup-token` prints.
  const failure = await startGateway(world.standIn, world.home.env({ ANTHROPIC_API_KEY: setupToken })).then(
    (gw) => {
      world.gw = gw;
      return null;
    },
    (error: unknown) => error as Error,
  );
  expect(failure).toBeInstanceOf(InvalidEnvironmentError);
  expect(failure!.message).toContain('ANTHROPIC_API_KEY: holds an OAuth token');
  expect(failure!.message).toContain('set it as CLAUDE_CODE_OAUTH_TOKEN instead');
  noSecretsIn(failure!.message);
  expect(world.standIn.requests).toEqual([]);
  expect(await world.home.calls()).toEqual([]);
});

it.each([['CLAUDE_CODE_OAUTH_TOKEN'], ['CLAUDE_ACCESS_TOKEN']])(
  'uses %s before the login: Bearer with the OAuth beta header, no refresh runs',
  async (name) => {
    const token = name === 'CLAUDE_ACCESS_TOKEN' ? accessToken : setupToken;
    world.gw = await startGateway(world.standIn, world.home.env({ [name]: token }));
    const completion = await ask(world.gw);
    expect(completion.choices[0].message.content).toBe('Hello from the stand-in.');
    expect(world.standIn.last.headers.authorization).toBe(`Bearer ${token}`);
    expect(world.standIn.last.headers['x-api-key']).toBeUndefined();
    expect(beta()).toContain(OAUTH_BETA);
    const ready = await health(world.gw);
    expect(ready.body.details.credentials).toEqual({ status: 'up', source: 'oauth-token' });
    await settle();
    expect(await world.home.calls()).toEqual([]);
    expect(world.gw.app.get(SchedulerRegistry).getIntervals()).toEqual([]);
    expect(world.gw.app.get(SchedulerRegistry).getCronJobs().size).toBe(0);
    expect(world.gw.logs.text).toContain('Using credential source: oauth-token');
    noSecretsIn(world.gw.logs.text + ready.text);
  },
);

it('prefers CLAUDE_ACCESS_TOKEN over CLAUDE_CODE_OAUTH_TOKEN', async () => {
  world.gw = await startGateway(world.standIn, world.home.env({ CLAUDE_ACCESS_TOKEN: accessToken, CLAUDE_CODE_OAUTH_TOKEN: setupToken }));
  await ask(world.gw);
  expect(world.standIn.last.headers.authorization).toBe(`Bearer ${accessToken}`);
});

it('falls back to the Claude Code login: Bearer with the beta header, a refresh at start-up, health with expiry and refresh', async () => {
  world.gw = await startLoginGateway(world.standIn, world.home);
  await ask(world.gw);
  expect(world.standIn.last.headers.authorization).toBe(`Bearer ${loginToken}`);
  expect(beta()).toContain(OAUTH_BETA);
  // The CLI was run once, with the config dir the gateway reads.
  expect(await world.home.calls()).toEqual([`-p /cost | ${world.home.configDir}`]);
  // The refresh-ahead check (declared with @Cron) is on the schedule, at REFRESH_CHECK_CRON; nothing else is.
  const scheduler = world.gw.app.get(SchedulerRegistry);
  expect(scheduler.getIntervals()).toEqual([]);
  expect([...scheduler.getCronJobs().keys()]).toEqual([AHEAD_JOB]);
  expect(scheduler.getCronJob(AHEAD_JOB).isActive).toBe(true);
  expect(scheduler.getCronJob(AHEAD_JOB).cronTime.source).toBe('0 * * * * *');
  const upstreamCalls = world.standIn.requests.length;
  const ready = await health(world.gw);
  // Readiness reads the login (and /health too), never Anthropic.
  await health(world.gw, '/health');
  expect(world.standIn.requests).toHaveLength(upstreamCalls);
  expect(ready.status).toBe(200);
  const credentials = ready.body.details.credentials;
  expect(credentials).toMatchObject({
    status: 'up',
    source: 'claude-login',
    lastRefresh: { trigger: 'startup', outcome: 'unchanged', tokenChanged: false },
  });
  expect(credentials.expiresInSeconds).toBeGreaterThan(8 * 3600 - 60);
  expect(credentials.expiresInSeconds).toBeLessThanOrEqual(8 * 3600);
  expect(Date.parse(credentials.lastRefresh.at)).toBeGreaterThan(Date.now() - 10_000);
  const all = await health(world.gw, '/health');
  expect(all.body.details.credentials.source).toBe('claude-login');
  expect(world.gw.logs.text).toContain(`Using credential source: claude-login (${world.home.credentialsPath})`);
  noSecretsIn(world.gw.logs.text + ready.text + all.text);
});

it('reads CLAUDE_CONFIG_DIR over $HOME/.claude', async () => {
  const other = await ClaudeHome.create();
  try {
    const otherToken = oauthToken('other');
    world.standIn.auth!.oauthTokens!.push(otherToken);
    await other.writeLogin(otherToken, Date.now() + HOUR);
    world.gw = await startLoginGateway(world.standIn, world.home, { CLAUDE_CONFIG_DIR: other.configDir });
    await ask(world.gw);
    expect(world.standIn.last.headers.authorization).toBe(`Bearer ${otherToken}`);
    await waitFor(async () => (await world.home.calls()).length === 1, 'the start-up run');
    expect(await world.home.calls()).toEqual([`-p /cost | ${other.configDir}`]);
  } finally {
    await other.remove();
  }
});
