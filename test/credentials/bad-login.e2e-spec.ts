import { mkdir, rm } from 'node:fs/promises';
import OpenAI from 'openai';
import { AnthropicStandIn } from '../support/anthropic-stand-in.js';
import { ClaudeHome, HOUR, oauthToken } from '../support/claude-home.js';
import type { Gateway } from '../support/gateway.js';
import { ask, askForError, errorMessage, health, startLoginGateway } from '../support/login-gateway.js';

let standIn: AnthropicStandIn;
let home: ClaudeHome;
let gw: Gateway | undefined;
const good = oauthToken('good');
const leaked = oauthToken('leaked');

beforeAll(async () => {
  standIn = await AnthropicStandIn.start();
});
beforeEach(async () => {
  standIn.reset();
  standIn.auth = { oauthTokens: [good] };
  home = await ClaudeHome.create();
  await home.installFakeClaude();
});
afterEach(async () => {
  await gw?.close();
  gw = undefined;
  await home.remove();
});
afterAll(() => standIn.close());

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
  await arrange(home);
  gw = await startLoginGateway(standIn, home);
  const expected = `${home.credentialsPath} ${problem}`;

  const ready = await health(gw);
  expect(ready.status).toBe(503);
  expect(ready.body.details.credentials).toMatchObject({ status: 'down', source: 'claude-login' });
  expect(ready.body.details.credentials.reason).toContain(expected);
  expect(ready.body.details.credentials.reason).toContain('`claude setup-token`');
  expect((await health(gw, '/health/live')).status).toBe(200);

  const error = await askForError(gw);
  expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
  expect(errorMessage(error)).toBe(ready.body.details.credentials.reason);
  expect(standIn.requests).toHaveLength(0);

  expect(gw.logs.text).toContain(`Claude Code login unusable: ${expected}`);
  // One line per state change, not per request.
  await ask(gw).catch(() => undefined);
  expect(gw.logs.lines.filter((l) => l.includes('Claude Code login unusable'))).toHaveLength(1);
  expect(gw.logs.text + ready.text + JSON.stringify(error.error)).not.toContain(leaked.slice(-24));

  // Fixed in place, it is picked up without a restart.
  await rm(home.credentialsPath, { recursive: true, force: true });
  await home.writeLogin(good, Date.now() + HOUR);
  await ask(gw);
  expect(standIn.last.headers.authorization).toBe(`Bearer ${good}`);
  expect((await health(gw)).status).toBe(200);
});

it('warns at start-up when the login file is readable by group or others', async () => {
  await home.writeLogin(good, Date.now() + HOUR, 0o644);
  gw = await startLoginGateway(standIn, home);
  expect(gw.logs.text).toContain(`${home.credentialsPath} is accessible by group or others (mode 644)`);
  expect(gw.logs.text).toContain(`chmod 600 ${home.credentialsPath}`);
  await ask(gw);
});

it('does not warn for a private login file', async () => {
  await home.writeLogin(good, Date.now() + HOUR, 0o600);
  gw = await startLoginGateway(standIn, home);
  expect(gw.logs.text).not.toContain('accessible by group or others');
});
