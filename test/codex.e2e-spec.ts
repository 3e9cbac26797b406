import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { messageReply } from './support/anthropic-stand-in.js';
import { useGateway } from './support/lifecycle.js';
import { describeWith } from './support/optional-tool.js';
import { runInLoopbackNamespace } from './support/loopback-namespace.js';
import { netnsTools } from './support/real-claude.js';
import { closedPort } from './support/raw-http.js';

/**
 * The real Codex CLI (`@openai/codex`, its native binary from the platform
 * package npm picks) pointed at the gateway as README's "Codex" section
 * configures it: a custom model provider on the Responses API, the client key
 * in the variable the provider names. It runs in a network namespace that
 * holds only loopback, relayed to the gateway.
 */
const CLIENT_KEY = 'ccp-codex-client-key-0123456789';
const ctx = useGateway({ PROXY_API_KEYS: CLIENT_KEY });

function locateCodex(): string | null {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@openai/codex/package.json')), 'bin', 'codex.js');
  } catch {
    return null;
  }
}
const codex = locateCodex();
// Skipped loudly (reported skipped, not passed) without the CLI or a network namespace; in CI either absence fails the suite.
const describeWithCodex = describeWith(
  'the real Codex CLI (@openai/codex) in a loopback-only network namespace',
  !codex
    ? { ok: false, why: '@openai/codex is not installed (npm ci installs it as a devDependency)' }
    : netnsTools()
      ? { ok: true }
      : { ok: false, why: 'a network namespace needs root and unshare' },
);

describeWithCodex('the real Codex CLI through /v1/responses', () => {
  let home: string;
  let work: string;
  let port: number;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'ccp-codex-home-'));
    work = await mkdtemp(join(tmpdir(), 'ccp-codex-work-'));
    port = await closedPort();
    // README's configuration, with the port inside the namespace.
    await writeFile(
      join(home, 'config.toml'),
      [
        'model = "claude-sonnet-5-5"',
        'model_provider = "claude-code-proxy"',
        '',
        '[model_providers.claude-code-proxy]',
        'name = "claude-code-proxy"',
        `base_url = "http://127.0.0.1:${port}/v1"`,
        'env_key = "CLAUDE_CODE_PROXY_KEY"',
        'wire_api = "responses"',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  async function codexExec(prompt: string, ...flags: string[]) {
    const { port: gatewayPort } = new URL(ctx.gw.url);
    const run = await runInLoopbackNamespace({
      command: process.execPath,
      args: [codex!, 'exec', '--skip-git-repo-check', ...flags, prompt],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        CODEX_HOME: home,
        CLAUDE_CODE_PROXY_KEY: CLIENT_KEY,
        NO_COLOR: '1',
      },
      cwd: work,
      port,
      target: { host: '127.0.0.1', port: Number(gatewayPort) },
      timeoutMs: 120_000,
    });
    // The namespace was checked before the suite; it cannot go missing in between.
    if (!run) throw new Error('could not make a network namespace for the real Codex CLI');
    return run;
  }

  it('answers a text turn streamed from Claude', async () => {
    ctx.standIn.reply(messageReply({ text: 'Hello from Claude through the gateway.' }));
    const run = await codexExec('Say hello');
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: expect.stringContaining('Hello from Claude through the gateway.') });
    const upstream = ctx.standIn.requests.filter((r) => r.path === '/v1/messages');
    expect(upstream).toHaveLength(1);
    expect(upstream[0].body.stream).toBe(true);
    expect(upstream[0].body.tools.map((t: { name: string }) => t.name)).toContain('exec_command');
    // The client key stays at the gateway.
    expect(JSON.stringify(upstream[0].headers)).not.toContain(CLIENT_KEY);
  }, 150_000);

  it('runs a tool loop: Codex executes the command Claude asked for and sends its output back', async () => {
    ctx.standIn.reply(
      messageReply({ text: 'Running it.', toolUses: [{ id: 'toolu_codex1', name: 'exec_command', input: { cmd: 'echo codex-ran-this' } }] }),
      messageReply({ text: 'The command printed codex-ran-this.' }),
    );
    const run = await codexExec('Run echo codex-ran-this', '--dangerously-bypass-approvals-and-sandbox');
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: expect.stringContaining('The command printed codex-ran-this.') });
    const upstream = ctx.standIn.requests.filter((r) => r.path === '/v1/messages');
    expect(upstream).toHaveLength(2);
    const turn = upstream[1].body.messages as Array<{ role: string; content: unknown }>;
    const results = turn.flatMap((m) => (Array.isArray(m.content) ? m.content : [])).filter((b: any) => b.type === 'tool_result');
    expect(results).toEqual([expect.objectContaining({ tool_use_id: 'toolu_codex1' })]);
    expect(JSON.stringify(results[0])).toContain('codex-ran-this');
  }, 150_000);

  it('is refused with a clear 401 when the client key is wrong', async () => {
    const { port: gatewayPort } = new URL(ctx.gw.url);
    const res = await fetch(`http://127.0.0.1:${gatewayPort}/v1/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer not-the-key', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet-5-5', input: 'hi' }),
    });
    expect(res.status).toBe(401);
    expect(ctx.standIn.requests).toHaveLength(0);
  });
});
