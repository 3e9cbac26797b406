import { errorReply } from './support/anthropic-stand-in.js';
import { postRaw, useGateway } from './support/lifecycle.js';

// Neither has the `sk-ant-` shape that pattern-based redaction knows.
const API_KEY = 'console-key-of-another-shape-0123456789';
const CLIENT_KEY = 'client-key-of-team-a-abcdef0123';
const ctx = useGateway({ ANTHROPIC_API_KEY: API_KEY, PROXY_API_KEYS: CLIENT_KEY });
const ask = () =>
  postRaw(ctx.gw.url, JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] }), {
    'content-type': 'application/json',
    authorization: `Bearer ${CLIENT_KEY}`,
  });

describe('secrets are redacted by their configured value, whatever their shape', () => {
  it('an upstream error that echoes the key or a client key reaches neither the client (body or headers) nor the log', async () => {
    ctx.standIn.reply(errorReply(401, 'authentication_error', `invalid x-api-key ${API_KEY}`));
    ctx.standIn.reply(errorReply(429, 'rate_limit_error', `slow down, ${CLIENT_KEY}`, { 'retry-after': API_KEY }));
    ctx.standIn.reply(errorReply(500, 'api_error', `internal error near ${API_KEY}`));
    const responses = [await ask(), await ask(), await ask()];
    expect(responses.map((r) => r.status)).toEqual([401, 429, 500]);
    expect(responses[0].json.error.message).toBe('invalid x-api-key ***');
    const everything = [
      ...responses.map((r) => r.text + JSON.stringify([...r.headers.entries()])),
      ctx.gw.logs.text,
    ].join('\n');
    for (const secret of [API_KEY, CLIENT_KEY]) expect(everything).not.toContain(secret);
  });
});
