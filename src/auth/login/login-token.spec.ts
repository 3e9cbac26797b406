import { loginHelp, parseLogin } from './login-token.js';

const ORIGIN = '/home/u/.claude/.credentials.json';
const SECRET = 'sk-ant-oat01-parser-must-not-echo-this';

describe('parseLogin', () => {
  it('reads the access token, the refresh token and the expiry (ms) from Claude Code JSON', () => {
    const text = JSON.stringify({
      claudeAiOauth: { accessToken: SECRET, refreshToken: 'r-token', expiresAt: 1_900_000_000_000, scopes: [], subscriptionType: 'pro' },
    });
    expect(parseLogin(text, ORIGIN)).toEqual({
      ok: true,
      origin: ORIGIN,
      token: { accessToken: SECRET, refreshToken: 'r-token', expiresAtMs: 1_900_000_000_000 },
    });
  });

  it('treats a missing expiry and a missing refresh token as unknown', () => {
    const read = parseLogin(JSON.stringify({ claudeAiOauth: { accessToken: SECRET } }), ORIGIN);
    expect(read.ok && read.token).toEqual({ accessToken: SECRET, refreshToken: null, expiresAtMs: null });
  });

  it('recognises the signed-out login Claude Code leaves after invalid_grant (blank tokens, expiresAt 0)', () => {
    const text = JSON.stringify({
      claudeAiOauth: { accessToken: '', refreshToken: '', expiresAt: 0, scopes: ['user:inference'], subscriptionType: 'max' },
    });
    const read = parseLogin(text, ORIGIN);
    expect(read).toMatchObject({ ok: false, origin: ORIGIN, kind: 'signed-out' });
    expect(!read.ok && read.problem).toMatch(/signed-out login .* revoked or its refresh token was already spent/);
  });

  it.each([
    ['invalid JSON', `{"claudeAiOauth":{"accessToken":"${SECRET}"`, `${ORIGIN} is not valid JSON`, 'not-json'],
    ['an empty file', '', `${ORIGIN} is not valid JSON`, 'not-json'],
    ['JSON null', 'null', `${ORIGIN} has no claudeAiOauth.accessToken`, 'no-token'],
    ['no claudeAiOauth', '{"other":{}}', `${ORIGIN} has no claudeAiOauth.accessToken`, 'no-token'],
    ['empty accessToken only', '{"claudeAiOauth":{"accessToken":"  "}}', `${ORIGIN} has no claudeAiOauth.accessToken`, 'no-token'],
    ['non-string accessToken', '{"claudeAiOauth":{"accessToken":42}}', `${ORIGIN} has no claudeAiOauth.accessToken`, 'no-token'],
  ])('%s: names the origin and the problem, never the content', (_, text, problem, kind) => {
    expect(parseLogin(text, ORIGIN)).toEqual({ ok: false, origin: ORIGIN, problem, kind });
  });
});

describe('loginHelp', () => {
  it('for a login that could be renewed: run claude, REFRESH_COMMAND, setup-token, or an API key', () => {
    const help = loginHelp({ signedOut: false, missingCli: null });
    expect(help).toMatch(/^To fix it, run `claude` interactively once/);
    expect(help).toContain('REFRESH_COMMAND');
    expect(help).toContain('`claude setup-token`');
    expect(help).toMatch(/ANTHROPIC_API_KEY .* Console API key/);
  });

  it('for a signed-out login: sign in again, or setup-token; no renewal advice', () => {
    const help = loginHelp({ signedOut: true, missingCli: null });
    expect(help).toMatch(/^To fix it, sign in again with `claude auth login`/);
    expect(help).toContain('`claude setup-token`');
    expect(help).not.toContain('REFRESH_COMMAND');
    expect(help).toContain('ANTHROPIC_API_KEY');
  });

  it('says first that the CLI is not on PATH, before any advice to run it', () => {
    const help = loginHelp({ signedOut: false, missingCli: 'claude' });
    expect(help).toMatch(/^`claude` \(from REFRESH_COMMAND\) is not on the gateway's PATH/);
    expect(help.indexOf('not on the gateway')).toBeLessThan(help.indexOf('run `claude` interactively'));
  });
});
