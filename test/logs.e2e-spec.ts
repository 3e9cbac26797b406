import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnthropicStandIn } from './support/anthropic-stand-in.js';
import { startGateway } from './support/gateway.js';
import { useGateway } from './support/lifecycle.js';

const ctx = useGateway();
const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('log lines', () => {
  it('the client-key warning appears once at start-up', () => {
    expect(count(ctx.gw.logs.text, 'Client authentication off')).toBe(1);
  });

  it('a failing readiness probe leaves its reason in the log, never a bare exception name', async () => {
    const standIn = await AnthropicStandIn.start();
    const dir = await mkdtemp(join(tmpdir(), 'no-login-'));
    const gw = await startGateway(standIn, { ANTHROPIC_API_KEY: undefined, CLAUDE_CONFIG_DIR: dir, REFRESH_COMMAND: 'true' });
    try {
      for (let i = 0; i < 3; i++) expect((await fetch(`${gw.url}/health/ready`)).status).toBe(503);
      expect(gw.logs.text).not.toMatch(/ServiceUnavailable/);
      expect(gw.logs.text).toContain(`Claude Code login unusable: ${join(dir, '.credentials.json')}`);
    } finally {
      await gw.close();
      await standIn.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
