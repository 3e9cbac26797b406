import { mkdir, rm } from 'node:fs/promises';
import OpenAI from 'openai';
import { ClaudeHome, HOUR, oauthToken } from '../support/claude-home.js';
import { ask, askForError, errorMessage, health, startLoginGateway, useLoginWorld } from '../support/login-gateway.js';

const good = oauthToken('good');
const leaked = oauthToken('leaked');

const world = useLoginWorld({
  auth: () => ({ oauthTokens: [good] }),
  prepare: (home) => home.installFakeClaude(),
});

const isRoot = process.getuid?.() === 0;

const cases: Array<[string, (home: ClaudeHome) => Promise<void>, string]> = [
  ['missing file', async () => {}, 'does not exist'],
  // A directory where the file should be cannot be read even by root.
  ['unreadable file (a directory)', (h) => mkdir(h.credentialsPath), 'cannot be read (EISDIR)'],
  // The content holds a token: a parser message quoting it would leak it.
  ['invalid JSON', (h) => h.writeRaw(`{"claudeAiOauth":{"accessToken":"${leaked}"`), 'is not valid JSON'],
  ['missing accessToken', (h) => h.writeRaw(JSON.stringify({ claudeAiOauth: { refreshToken: leaked, expiresAt: 1 } })), 'has no claudeAiOauth.accessToken'],
];
if (!isRoot) {
  cases.push(['unreadable file (mode 000)', (h) => h.writeLogin(good, Date.now() + HOUR, 0o000), 'cannot be read (EACCES)']);
}

it.each(cases)('%s: the process stays up, readiness 503 with path and problem, requests get the helpful 401', async (_, arrange, problem) => {
  await arrange(world.home);
  world.gw = await startLoginGateway(world.standIn, world.home);
  const expected = `${world.home.credentialsPath} ${problem}`;

  const ready = await health(world.gw);
  expect(ready.status).toBe(503);
  expect(ready.body.details.credentials).toMatchObject({ status: 'down', source: 'claude-login' });
  expect(ready.body.details.credentials.reason).toContain(expected);
  expect(ready.body.details.credentials.reason).toContain('`claude setup-token`');
  expect((await health(world.gw, '/health/live')).status).toBe(200);

  const error = await askForError(world.gw);
  expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
  expect(errorMessage(error)).toBe(ready.body.details.credentials.reason);
  expect(world.standIn.requests).toHaveLength(0);

  expect(world.gw.logs.text).toContain(`Claude Code login unusable: ${expected}`);
  // One line per state change, not per request.
  await ask(world.gw).catch(() => undefined);
  expect(world.gw.logs.lines.filter((l) => l.includes('Claude Code login unusable'))).toHaveLength(1);
  expect(world.gw.logs.text + ready.text + JSON.stringify(error.error)).not.toContain(leaked.slice(-24));

  // Fixed in place, it is picked up without a restart.
  await rm(world.home.credentialsPath, { recursive: true, force: true });
  await world.home.writeLogin(good, Date.now() + HOUR);
  await ask(world.gw);
  expect(world.standIn.last.headers.authorization).toBe(`Bearer ${good}`);
  expect((await health(world.gw)).status).toBe(200);
});

it('warns at start-up when the login file is readable by group or others', async () => {
  await world.home.writeLogin(good, Date.now() + HOUR, 0o644);
  world.gw = await startLoginGateway(world.standIn, world.home);
  expect(world.gw.logs.text).toContain(`${world.home.credentialsPath} is accessible by group or others (mode 644)`);
  expect(world.gw.logs.text).toContain(`chmod 600 ${world.home.credentialsPath}`);
  await ask(world.gw);
});

it('does not warn for a private login file', async () => {
  await world.home.writeLogin(good, Date.now() + HOUR, 0o600);
  world.gw = await startLoginGateway(world.standIn, world.home);
  expect(world.gw.logs.text).not.toContain('accessible by group or others');
});
