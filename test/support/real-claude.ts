import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The real Claude Code CLI, from the `@anthropic-ai/claude-code-linux-x64`
 * optional dependency: a native binary that ships inside the registry
 * tarball, so `npm ci` needs no install script to provide it. Optional
 * because it only runs on linux-x64 (glibc): elsewhere `npm ci` leaves it out.
 */

export const REAL_CLI_PACKAGE = '@anthropic-ai/claude-code-linux-x64';

/** The binary's directory and path on linux-x64 (glibc), or why it is not here. */
export function locateRealClaude(): { ok: true; dir: string; path: string } | { ok: false; why: string } {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return { ok: false, why: `${REAL_CLI_PACKAGE} only runs on linux-x64, and this is ${process.platform}-${process.arch}` };
  }
  let manifest: string;
  try {
    manifest = createRequire(import.meta.url).resolve(`${REAL_CLI_PACKAGE}/package.json`);
  } catch {
    return { ok: false, why: `${REAL_CLI_PACKAGE} is not installed (an optional dependency: \`npm ci\` installs it on linux-x64 unless optional dependencies are omitted)` };
  }
  const dir = dirname(manifest);
  const path = join(dir, 'claude');
  if (!existsSync(path)) return { ok: false, why: `${path} is missing` };
  return { ok: true, dir, path };
}

/**
 * Everything the CLI's documentation names for turning off traffic that a
 * renewal does not need: usage telemetry, error reports, the auto-updater,
 * the bug and feedback commands, and all "non-essential" traffic (release
 * notes, model capabilities, and the like), plus claude.ai MCP connectors.
 */
export const QUIET_CLI_ENV: Readonly<Record<string, string>> = {
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_TELEMETRY: '1',
  DISABLE_ERROR_REPORTING: '1',
  DISABLE_AUTOUPDATER: '1',
  DISABLE_BUG_COMMAND: '1',
  CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY: '1',
  ENABLE_CLAUDEAI_MCP_SERVERS: 'false',
};

/** The programs a namespace wrapper needs, when this host can make one; null otherwise. */
export function netnsTools(): { unshare: string; ip: string } | null {
  if (process.getuid?.() !== 0) return null;
  const find = (name: string) => {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    return found.status === 0 ? found.stdout.trim() : null;
  };
  const unshare = find('unshare');
  const ip = find('ip') ?? (existsSync('/usr/sbin/ip') ? '/usr/sbin/ip' : null);
  if (!unshare || !ip) return null;
  const probe = spawnSync(unshare, ['-n', ip, 'link', 'set', 'lo', 'up'], { stdio: 'ignore', timeout: 10_000 });
  return probe.status === 0 ? { unshare, ip } : null;
}

/**
 * Writes `claude` into `binDir`: a wrapper that runs the real binary inside
 * a fresh network namespace holding nothing but loopback. Inside it, a relay
 * on 127.0.0.1:`proxyPort` forwards to the proxy's Unix socket, so the CLI's
 * HTTPS_PROXY still works while every other address is unreachable. The
 * interfaces it saw are appended to `linksLog`, one line per run.
 */
export async function installNetnsClaude(options: {
  binDir: string;
  realPath: string;
  proxySocket: string;
  proxyPort: number;
  linksLog: string;
  tools: { unshare: string; ip: string };
}): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  const runner = join(options.binDir, 'netns-runner.cjs');
  await writeFile(
    runner,
    `const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const ip = ${JSON.stringify(options.tools.ip)};
execFileSync(ip, ['link', 'set', 'lo', 'up']);
const links = execFileSync(ip, ['-o', 'link', 'show'], { encoding: 'utf8' })
  .split('\\n').filter(Boolean).map((line) => line.split(': ')[1]);
fs.appendFileSync(${JSON.stringify(options.linksLog)}, links.join(',') + '\\n');
const relay = net.createServer((client) => {
  const upstream = net.connect(${JSON.stringify(options.proxySocket)});
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
  client.pipe(upstream).pipe(client);
});
relay.listen(${options.proxyPort}, '127.0.0.1', () => {
  const cli = spawn(${JSON.stringify(options.realPath)}, process.argv.slice(2), { stdio: 'inherit' });
  cli.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
});
`,
  );
  await writeFile(
    join(options.binDir, 'claude'),
    `#!/bin/sh\nexec ${options.tools.unshare} -n ${process.execPath} ${runner} "$@"\n`,
    { mode: 0o755 },
  );
}
