import { parseLogin } from './login-token.js';

const ORIGIN = '/home/u/.claude/.credentials.json';
const SECRET = 'sk-ant-oat01-parser-must-not-echo-this';

describe('parseLogin', () => {
  it('reads the access token and its expiry (ms) from Claude Code JSON', () => {
    const text = JSON.stringify({
      claudeAiOauth: { accessToken: SECRET, refreshToken: 'r', expiresAt: 1_900_000_000_000, scopes: [], subscriptionType: 'pro' },
    });
    expect(parseLogin(text, ORIGIN)).toEqual({ ok: true, origin: ORIGIN, token: { accessToken: SECRET, expiresAtMs: 1_900_000_000_000 } });
  });

  it('treats a missing expiry as unknown', () => {
    const read = parseLogin(JSON.stringify({ claudeAiOauth: { accessToken: SECRET } }), ORIGIN);
    expect(read.ok && read.token.expiresAtMs).toBeNull();
  });

  it.each([
    ['invalid JSON', `{"claudeAiOauth":{"accessToken":"${SECRET}"`, `${ORIGIN} is not valid JSON`],
    ['JSON null', 'null', `${ORIGIN} has no claudeAiOauth.accessToken`],
    ['no claudeAiOauth', '{"other":{}}', `${ORIGIN} has no claudeAiOauth.accessToken`],
    ['empty accessToken', '{"claudeAiOauth":{"accessToken":"  "}}', `${ORIGIN} has no claudeAiOauth.accessToken`],
    ['non-string accessToken', '{"claudeAiOauth":{"accessToken":42}}', `${ORIGIN} has no claudeAiOauth.accessToken`],
  ])('%s: names the origin and the problem, never the content', (_, text, problem) => {
    const read = parseLogin(text, ORIGIN);
    expect(read).toEqual({ ok: false, origin: ORIGIN, problem });
  });
});
