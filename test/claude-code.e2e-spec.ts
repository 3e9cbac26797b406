import { jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { type AddressInfo, createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Handler, messageReply, type RecordedRequest } from './support/anthropic-stand-in.js';
import { useGateway } from './support/lifecycle.js';
import { describeWith } from './support/optional-tool.js';
import { installNetnsClaude, locateRealClaude, netnsTools, QUIET_CLI_ENV, REAL_CLI_PACKAGE } from './support/real-claude.js';

/**
 * The real Claude Code CLI (the pinned devDependency) as a client of the
 * Anthropic door: `claude -p` with ANTHROPIC_BASE_URL at the gateway and a
 * client key as ANTHROPIC_AUTH_TOKEN, against the loopback stand-in. Where
 * the host allows, the CLI runs in a network namespace that holds only
 * loopback, reaching the gateway through a relay to a Unix socket.
 */

const cli = locateRealClaude();
const tools = cli.ok ? netnsTools() : null;
// Skipped loudly where the binary cannot run; in CI its absence fails the suite.
const describeWithCli = describeWith(REAL_CLI_PACKAGE, cli);

jest.setTimeout(120_000);

const CLIENT_KEY = 'team-claude-code-0123456789abcdef';
const MODEL = 'claude-sonnet-5-5';
const ctx = useGateway({ PROXY_API_KEYS: CLIENT_KEY });

let root: string;
const relays: Server[] = [];
/** Every byte Claude Code sent towards the gateway, as the relay in front of the gateway saw it. */
const sentByClient: Buffer[] = [];
let baseUrl: string;
let claudePath: string;

beforeAll(async () => {
  if (!cli.ok) return;
  root = await mkdtemp(join(tmpdir(), 'ccp-door-'));
  claudePath = cli.path;
  const gatewayPort = Number(new URL(ctx.gw.url).port);
  // A relay that notes what the client sent, so the test can compare it with what upstream got.
  const relay = createServer((client) => {
    const gateway = createConnection(gatewayPort, '127.0.0.1');
    client.on('data', (chunk: Buffer) => sentByClient.push(chunk));
    client.on('error', () => gateway.destroy());
    gateway.on('error', () => client.destroy());
    client.pipe(gateway).pipe(client);
  });
  relays.push(relay);
  if (tools) {
    // Inside the namespace, 127.0.0.1:<port> relays to this socket.
    const socket = join(root, 'gateway.sock');
    relay.listen(socket);
    await once(relay, 'listening');
    const bin = join(root, 'bin');
    await mkdir(bin);
    await installNetnsClaude({ binDir: bin, realPath: cli.path, proxySocket: socket, proxyPort: gatewayPort, linksLog: join(root, 'links.log'), tools });
    claudePath = join(bin, 'claude');
    baseUrl = ctx.gw.url;
  } else {
    relay.listen(0, '127.0.0.1');
    await once(relay, 'listening');
    baseUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
  }
});

beforeEach(() => {
  sentByClient.length = 0;
});

afterAll(async () => {
  for (const relay of relays) relay.close();
  if (root) await rm(root, { recursive: true, force: true });
});

/** Runs `claude -p` to the end; its stdout, stderr and exit code. */
async function runClaude(prompt: string, extra: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const configDir = await mkdtemp(join(root, 'config-'));
  const child = spawn(claudePath, ['-p', prompt, '--model', MODEL, '--output-format', 'json', ...extra], {
    cwd: root,
    env: {
      PATH: '/usr/bin:/bin',
      HOME: configDir,
      CLAUDE_CONFIG_DIR: configDir,
      ANTHROPIC_BASE_URL: baseUrl,
      ANTHROPIC_AUTH_TOKEN: CLIENT_KEY,
      ...QUIET_CLI_ENV,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

const messagesCalls = () => ctx.standIn.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/v1/messages') && !r.path.includes('count_tokens'));
/** The last user turn (Claude Code puts a `role: "system"` turn after it), as JSON text. */
const lastUserText = (req: RecordedRequest) => JSON.stringify(req.body?.messages?.findLast((m: { role: string }) => m.role === 'user') ?? '');

describeWithCli('Claude Code through the Anthropic door', () => {
  it('a streamed text turn: Claude Code gets the answer; upstream got its beta list, version and body unchanged, and never its key', async () => {
    ctx.standIn.setDefault(messageReply({ text: 'Hello from the door.', model: MODEL }));
    const run = await runClaude('Say hello.');
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout).result).toBe('Hello from the door.');

    const calls = messagesCalls();
    expect(calls.length).toBeGreaterThan(0);
    const turn = calls.find((r) => r.body?.stream === true && lastUserText(r).includes('Say hello'))!;
    expect(turn).toBeDefined();
    expect(turn.path).toBe('/v1/messages?beta=true');
    // What a naive door breaks, all in the one request: a long beta list, adaptive thinking, a dozen tools,
    // metadata.user_id and a role "system" turn after the user's.
    expect(String(turn.headers['anthropic-beta']).split(',').length).toBeGreaterThan(3);
    expect(turn.body).toMatchObject({ thinking: { type: 'adaptive' }, metadata: { user_id: expect.any(String) } });
    expect(turn.body.tools.length).toBeGreaterThanOrEqual(10);
    expect(turn.body.messages.at(-1).role).toBe('system');

    // Byte for byte: the body and the Anthropic headers upstream got are the ones Claude Code sent.
    const sent = Buffer.concat(sentByClient).toString('utf8');
    for (const call of calls) {
      expect(sent).toContain(call.rawBody);
      for (const name of ['anthropic-beta', 'anthropic-version']) {
        const at = call.rawHeaders.findIndex((h) => h.toLowerCase() === name);
        expect(sent.toLowerCase()).toContain(`${name}: ${call.rawHeaders[at + 1]}`.toLowerCase());
      }
    }
    expect(sent).toContain(CLIENT_KEY);
    expect(ctx.standIn.requests.flatMap((r) => r.rawHeaders).join('\n')).not.toContain(CLIENT_KEY);
    expect(ctx.gw.logs.text).not.toContain(CLIENT_KEY);
  });

  it('a tool loop: Claude Code runs its Bash tool and sends the result back with the signed thinking it was answered with', async () => {
    const toolLoop: Handler = (req) => {
      const last = lastUserText(req);
      if (last.includes('tool_result')) return messageReply({ text: `The command said: ${last.includes('door-ok') ? 'door-ok' : 'nothing'}`, model: MODEL })(req);
      if (last.includes('Run echo')) {
        return messageReply({ thinking: 'I will run the command.', toolUses: [{ name: 'Bash', input: { command: 'echo door-ok', description: 'Print door-ok' } }], model: MODEL })(req);
      }
      return messageReply({ text: 'ok', model: MODEL })(req);
    };
    ctx.standIn.setDefault(toolLoop);
    const run = await runClaude('Run echo door-ok with Bash.', ['--allowedTools', 'Bash(echo:*)']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout).result).toBe('The command said: door-ok');

    // The follow-up carried the tool's real output and, first in the replayed turn, the signed thinking (the stand-in checks both).
    const followUp = messagesCalls().find((r) => lastUserText(r).includes('tool_result'))!;
    expect(followUp).toBeDefined();
    const replayed = followUp.body.messages.findLast((m: { role: string }) => m.role === 'assistant');
    expect(replayed.content.map((b: { type: string }) => b.type)).toEqual(['thinking', 'tool_use']);
    expect(lastUserText(followUp)).toContain('door-ok');
    if (tools) expect((await readFile(join(root, 'links.log'), 'utf8')).trim().split('\n').every((line) => line === 'lo')).toBe(true);
  });
});
