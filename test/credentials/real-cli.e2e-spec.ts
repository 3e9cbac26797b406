import { jest } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import OpenAI from 'openai';
import { AnthropicStandIn } from '../support/anthropic-stand-in.js';
import { ClaudeHome, HOUR, loginJson, waitFor } from '../support/claude-home.js';
import type { Gateway } from '../support/gateway.js';
import { METRIC } from '../../src/observability/metrics/gateway-metrics.js';
import { ask, askForError, errorMessage, health, refreshOf, startLoginGateway } from '../support/login-gateway.js';
import { Scrape } from '../support/metrics.js';
import { API_HOST, invalidGrant, OAuthProxy, TOKEN_HOST } from '../support/oauth-proxy.js';
import { describeWith } from '../support/optional-tool.js';
import { installNetnsClaude, locateRealClaude, netnsTools, QUIET_CLI_ENV, REAL_CLI_PACKAGE } from '../support/real-claude.js';

/**
 * Renewal proven against the real Claude Code CLI (the pinned
 * `@anthropic-ai/claude-code-linux-x64` optional dependency), run by the gateway
 * through its default REFRESH_COMMAND. The CLI's token host is built in, so
 * it reaches it through a loopback HTTPS proxy (HTTPS_PROXY, with the proxy's
 * throwaway CA in NODE_EXTRA_CA_CERTS) that plays the token endpoint and
 * refuses every other host. Each CLI run takes well under a second here;
 * the limits below are generous for a loaded machine.
 */

const cli = locateRealClaude();
// Skipped with a notice where the optional binary is absent (renewal is then only covered by the fake CLI); failed in CI.
const describeWithCli = describeWith(REAL_CLI_PACKAGE, cli);
const tools = cli.ok ? netnsTools() : null;
if (cli.ok && !tools) {
  console.warn(
    '\n*** The real CLI runs without a network namespace of its own (needs root, `unshare -n` and `ip`): ***\n' +
      '*** only the loopback proxy and the quiet-CLI settings keep it off the network. ***\n',
  );
}

jest.setTimeout(60_000);

describeWithCli('the real Claude Code CLI renews the login through the default REFRESH_COMMAND', () => {
  let proxy: OAuthProxy;
  let standIn: AnthropicStandIn;
  let home: ClaudeHome;
  let gw: Gateway | undefined;
  /** Tokens of a shape nothing pattern-matches, to prove redaction and silence by value. */
  const oldAccess = 'opaque-old-access-4d1f8c2b9e7a6053';
  const oldRefresh = 'opaque-old-refresh-b6e1a9c3f0d24785';

  beforeAll(async () => {
    proxy = await OAuthProxy.start();
    standIn = await AnthropicStandIn.start();
  });
  afterAll(async () => {
    await proxy?.close();
    await standIn?.close();
  });
  beforeEach(async () => {
    proxy.reset();
    standIn.reset();
    standIn.auth = { oauthTokens: [] };
    // The stand-in accepts exactly the tokens the token endpoint issued.
    proxy.answer = () => {
      const answer = proxy.freshLogin();
      standIn.auth!.oauthTokens!.push(proxy.issued.at(-1)!.accessToken);
      return answer;
    };
    home = await ClaudeHome.create();
  });
  afterEach(async () => {
    const logs = gw?.logs.text ?? '';
    await gw?.close();
    gw = undefined;
    await home.remove();
    for (const secret of [oldAccess, oldRefresh, ...proxy.issued.flatMap((l) => [l.accessToken, l.refreshToken])]) {
      expect(logs).not.toContain(secret);
    }
  });

  /** The gateway on `home`'s login with the real binary's directory first on PATH, as `claude`, and no REFRESH_COMMAND set. */
  const start = (extra: Record<string, string> = {}) =>
    startLoginGateway(standIn, home, {
      PATH: `${cli.ok ? cli.dir : ''}:/usr/bin:/bin`,
      CLAUDE_CONFIG_DIR: home.configDir,
      ...QUIET_CLI_ENV,
      ...proxy.env(),
      ...extra,
    });

  const writeLogin = (expiresAtMs: number) =>
    home.writeRaw(loginJson(oldAccess, expiresAtMs, oldRefresh));

  /**
   * The CLI asked the proxy for exactly its OAuth hosts (the token endpoint,
   * and the API host for the profile it reads after a renewal), nothing was
   * refused, and it made no model request.
   */
  const expectOnlyTokenTraffic = () => {
    expect(new Set(proxy.hosts)).toEqual(new Set([TOKEN_HOST, API_HOST]));
    expect(proxy.refused).toEqual([]);
    expect(new Set(proxy.requests.map((r) => `${r.method} ${r.host}${r.path}`))).toEqual(
      new Set([`POST ${TOKEN_HOST}/v1/oauth/token`, `GET ${API_HOST}/api/oauth/profile`]),
    );
  };

  it('at start-up, an expired login is renewed with its refresh token and the next completion uses the new access token', async () => {
    await writeLogin(Date.now() - 60_000);
    gw = await start();

    expect(refreshOf(gw).last).toMatchObject({ trigger: 'startup', outcome: 'renewed', tokenChanged: true });
    expect(proxy.grants).toHaveLength(1);
    expect(proxy.grants[0].fields).toMatchObject({ grant_type: 'refresh_token', refresh_token: oldRefresh });
    const issued = proxy.issued[0];
    // The CLI saved the new pair (the gateway only reads the file).
    const saved = JSON.parse(await readFile(home.credentialsPath, 'utf8')).claudeAiOauth;
    expect(saved).toMatchObject({ accessToken: issued.accessToken, refreshToken: issued.refreshToken });
    expect(saved.expiresAt).toBeGreaterThan(Date.now() + 7 * HOUR);

    const completion = await ask(gw);
    expect(completion.choices[0].message.content).toBe('Hello from the stand-in.');
    expect(standIn.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${issued.accessToken}`]);
    expectOnlyTokenTraffic();
    const ready = await health(gw);
    expect(ready.status).toBe(200);
    expect(ready.body.details.credentials.expiresInSeconds).toBeGreaterThan(7 * 3600);
  });

  it('requests that meet an expired login share one renewal (single flight) and all succeed with the new token', async () => {
    await writeLogin(Date.now() + 8 * HOUR);
    gw = await start();
    // Far from expiry, the start-up run renewed nothing: the CLI only renews within 5 minutes.
    expect(refreshOf(gw).last).toMatchObject({ trigger: 'startup', outcome: 'unchanged' });
    expect(proxy.grants).toHaveLength(0);

    // A slow token endpoint, so that every request arrives while the one run is under way.
    proxy.answer = async () => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      const answer = proxy.freshLogin();
      standIn.auth!.oauthTokens!.push(proxy.issued.at(-1)!.accessToken);
      return answer;
    };
    await writeLogin(Date.now() - 1000);
    const results = await Promise.all(Array.from({ length: 6 }, () => ask(gw!)));
    for (const result of results) expect(result.choices[0].message.content).toBe('Hello from the stand-in.');
    const runs = gw.logs.lines.filter((line) => line.includes('Running REFRESH_COMMAND'));
    expect(runs).toEqual([expect.stringContaining('(startup)'), expect.stringContaining('(expired)')]);
    expect(proxy.grants.map((g) => g.fields.refresh_token)).toEqual([oldRefresh]);
    expect(new Set(standIn.requests.map((r) => r.headers.authorization))).toEqual(new Set([`Bearer ${proxy.issued[0].accessToken}`]));
    expect(refreshOf(gw).last).toMatchObject({ trigger: 'expired', outcome: 'renewed' });
    const ready = await health(gw);
    expect(ready.status).toBe(200);
    expect(ready.body.details.credentials.lastRefresh).toMatchObject({ trigger: 'expired', outcome: 'renewed', tokenChanged: true });
    expectOnlyTokenTraffic();
  });

  it('the refresh-ahead check renews a login inside the window before any request needs it', async () => {
    await writeLogin(Date.now() + 8 * HOUR);
    gw = await start({ REFRESH_CHECK_CRON: '* * * * * *' });
    await writeLogin(Date.now() + 3 * 60_000);
    await waitFor(() => refreshOf(gw!).last?.trigger === 'ahead', 'the refresh-ahead run', 20_000);
    expect(refreshOf(gw).last).toMatchObject({ outcome: 'renewed', tokenChanged: true });
    expect(proxy.grants.map((g) => g.fields.refresh_token)).toEqual([oldRefresh]);
    expectOnlyTokenTraffic();
  });

  it('/metrics counts refresh runs by trigger and outcome, and its login countdown follows the renewal', async () => {
    await writeLogin(Date.now() + 8 * HOUR);
    gw = await start();
    let scrape = await Scrape.from(gw.url);
    expect(scrape.value(METRIC.refreshRuns, { trigger: 'startup', outcome: 'unchanged' })).toBe(1);
    expect(scrape.value(METRIC.loginExpiry, { credential: 'claude-login' })).toBeGreaterThan(8 * 3600 - 120);

    // Inside the CLI's 5-minute window: the next run renews, and the countdown follows the new expiry.
    await writeLogin(Date.now() + 3 * 60_000);
    await refreshOf(gw).run('ahead');
    expect(refreshOf(gw).last).toMatchObject({ trigger: 'ahead', outcome: 'renewed', tokenChanged: true });
    await ask(gw);
    await waitFor(async () => (await Scrape.from(gw!.url)).value(METRIC.loginExpiry) > 7 * 3600, 'the renewed expiry in /metrics', 15_000);
    scrape = await Scrape.from(gw.url);
    expect(scrape.value(METRIC.refreshRuns, { trigger: 'ahead', outcome: 'renewed' })).toBe(1);
    for (const secret of [oldAccess, oldRefresh, ...proxy.issued.flatMap((l) => [l.accessToken, l.refreshToken])]) {
      expect(scrape.text).not.toContain(secret);
    }
    expectOnlyTokenTraffic();
  });

  it('more than 5 minutes before expiry the CLI renews nothing, which is why REFRESH_AHEAD_MINUTES defaults to 4', async () => {
    await writeLogin(Date.now() + 8 * HOUR);
    gw = await start({ REFRESH_CHECK_CRON: '* * * * * *', REFRESH_AHEAD_MINUTES: '10' });
    await writeLogin(Date.now() + 6 * 60_000);
    await waitFor(() => refreshOf(gw!).last?.trigger === 'ahead', 'the refresh-ahead run', 20_000);
    expect(refreshOf(gw).last).toMatchObject({ outcome: 'unchanged', tokenChanged: false });
    expect(proxy.grants).toEqual([]);
  });

  (tools ? it : it.skip)('inside a network namespace that holds only loopback, it renews through the proxy all the same', async () => {
    // The stronger guard: there the CLI can reach nothing but the relay to the proxy's Unix socket.
    const proxySocket = await proxy.listenOnSocket();
    const linksLog = join(home.root, 'netns-links.log');
    await installNetnsClaude({
      binDir: home.bin,
      realPath: cli.ok ? cli.path : '',
      proxySocket,
      proxyPort: Number(new URL(proxy.url).port),
      linksLog,
      tools: tools!,
    });
    await writeLogin(Date.now() - 60_000);
    gw = await start({ PATH: `${home.bin}:/usr/bin:/bin` });

    expect((await readFile(linksLog, 'utf8')).trim()).toBe('lo');
    expect(refreshOf(gw).last).toMatchObject({ trigger: 'startup', outcome: 'renewed', tokenChanged: true });
    expect(proxy.grants.map((g) => g.fields.refresh_token)).toEqual([oldRefresh]);
    await ask(gw);
    expect(standIn.last.headers.authorization).toBe(`Bearer ${proxy.issued[0].accessToken}`);
    expectOnlyTokenTraffic();
  });

  it('a refused refresh token (invalid_grant): the CLI signs the login out, and readiness and the 401 say to sign in again', async () => {
    proxy.answer = () => invalidGrant;
    await writeLogin(Date.now() - 60_000);
    gw = await start();

    const saved = JSON.parse(await readFile(home.credentialsPath, 'utf8')).claudeAiOauth;
    expect(saved).toMatchObject({ accessToken: '', refreshToken: '', expiresAt: 0 });
    const ready = await health(gw);
    expect(ready.status).toBe(503);
    const reason: string = ready.body.details.credentials.reason;
    expect(reason).toContain('signed-out login');
    expect(reason).toContain('revoked or its refresh token was already spent');
    expect(reason).toContain('`claude auth login`');
    expect(reason).toContain('`claude setup-token`');
    expect(reason).toContain('ANTHROPIC_API_KEY');

    const error = await askForError(gw);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(errorMessage(error)).toBe(reason);
    expect(standIn.requests).toHaveLength(0);
  });
});
