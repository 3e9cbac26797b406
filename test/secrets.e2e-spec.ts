import { errorReply } from './support/anthropic-stand-in.js';
import { TEST_API_KEY } from './support/gateway.js';
import { postRaw, useGateway } from './support/lifecycle.js';

const ctx = useGateway();

describe('secrets never leave', () => {
  it('not in responses, error bodies, health output or any log line', async () => {
    const bodies: string[] = [];
    // An upstream error that (wrongly) echoes the key back must not carry it through.
    ctx.standIn.reply(errorReply(401, 'authentication_error', `invalid x-api-key ${TEST_API_KEY}`));
    ctx.standIn.reply(errorReply(500, 'api_error', `internal error near ${TEST_API_KEY}`));
    for (let i = 0; i < 3; i++) {
      bodies.push((await postRaw(ctx.gw.url, JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] }))).text);
    }
    bodies.push((await postRaw(ctx.gw.url, '{bad json')).text);
    for (const path of ['/health', '/health/ready', '/health/live', '/v1/models']) {
      bodies.push(await (await fetch(ctx.gw.url + path)).text());
    }
    expect(bodies[0]).toMatch(/invalid x-api-key sk-ant-\*\*\*/);
    const everything = bodies.join('\n') + ctx.gw.logs.text;
    expect(everything).not.toContain(TEST_API_KEY);
    expect(everything).not.toContain(TEST_API_KEY.slice(-16));
    expect(ctx.gw.logs.lines.length).toBeGreaterThan(5);
  });
});
