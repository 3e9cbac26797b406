import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { netnsTools } from './real-claude.js';

export interface NamespaceRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a real client program inside a fresh network namespace that holds
 * nothing but loopback, so whatever else it would call (telemetry, updates,
 * model metadata) is unreachable. Inside, 127.0.0.1:`port` is relayed through
 * a Unix socket to `target` (host:port on this host's loopback: the gateway
 * under test). Null where this host cannot make a namespace (not root, no
 * `unshare`): the caller skips loudly. A run past `timeoutMs` is killed, the
 * program with it, and resolves with what it printed.
 */
export async function runInLoopbackNamespace(options: {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  port: number;
  target: { host: string; port: number };
  timeoutMs: number;
}): Promise<NamespaceRun | null> {
  const tools = netnsTools();
  if (!tools) return null;
  const dir = await mkdtemp(join(tmpdir(), 'ccp-netns-'));
  const socket = join(dir, 'relay.sock');
  const bridge: Server = createServer((inside) => {
    const outside = connect(options.target.port, options.target.host);
    inside.on('error', () => outside.destroy());
    outside.on('error', () => inside.destroy());
    inside.pipe(outside).pipe(inside);
  });
  await new Promise<void>((resolve) => bridge.listen(socket, resolve));
  const runner = join(dir, 'runner.cjs');
  await writeFile(
    runner,
    `const { execFileSync, spawn } = require('node:child_process');
const net = require('node:net');
execFileSync(${JSON.stringify(tools.ip)}, ['link', 'set', 'lo', 'up']);
const relay = net.createServer((client) => {
  const host = net.connect(${JSON.stringify(socket)});
  client.on('error', () => host.destroy());
  host.on('error', () => client.destroy());
  client.pipe(host).pipe(client);
});
relay.listen(${options.port}, '127.0.0.1', () => {
  const child = spawn(process.argv[2], process.argv.slice(3), { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
});
`,
  );
  try {
    return await new Promise<NamespaceRun>((resolve, reject) => {
      // A process group of its own: on timeout the whole group goes, the program
      // the runner started included (it holds the output pipes, so killing the
      // runner alone would leave this waiting for them to close).
      const child = spawn(tools.unshare, ['-n', process.execPath, runner, options.command, ...options.args], {
        cwd: options.cwd,
        env: options.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const group = child.pid;
      if (group !== undefined) running.add(group);
      const timer = setTimeout(() => {
        killGroup(group);
        stderr += `\n(killed after ${options.timeoutMs} ms)`;
      }, options.timeoutMs);
      const done = () => {
        clearTimeout(timer);
        if (group !== undefined) running.delete(group);
      };
      child.on('error', (error) => {
        done();
        reject(error);
      });
      child.on('close', (code) => {
        done();
        resolve({ code, stdout, stderr });
      });
    });
  } finally {
    await new Promise<void>((resolve) => bridge.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  }
}

/** The process groups of runs still going: outside the test runner's own group, so its end does not reach them. */
const running = new Set<number>();
process.on('exit', () => {
  for (const group of running) killGroup(group);
});

function killGroup(group: number | undefined): void {
  if (group === undefined) return;
  try {
    process.kill(-group, 'SIGKILL');
  } catch {
    // Gone already.
  }
}
