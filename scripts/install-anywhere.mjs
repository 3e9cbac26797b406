#!/usr/bin/env node
// Proves that `npm ci` works on platforms this machine is not: for each
// target, npm's own CLI runs `npm ci --dry-run` on a copy of package.json and
// package-lock.json with process.platform and process.arch overridden before
// it loads. npm's --os/--cpu flags cannot do this: they only choose among
// optional dependencies, while a plain dependency bound to another platform
// is exactly what fails on a Mac. A dry run resolves the whole tree from the
// lockfile and checks every package's os/cpu/libc, downloads nothing and
// writes no node_modules.
//
//   node scripts/install-anywhere.mjs                       (darwin-arm64, linux-arm64)
//   node scripts/install-anywhere.mjs win32-x64 darwin-x64  (any others)
//   node scripts/install-anywhere.mjs --dir <dir> ...        (another package.json and lockfile)
//
// Exits 1, with npm's reason, when any target cannot install.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEFAULT_TARGETS = ['darwin-arm64', 'linux-arm64'];
const OVERRIDE = `// Loaded with --require before npm: the platform npm sees is the one named in INSTALL_ANYWHERE_TARGET.
const [platform, arch] = process.env.INSTALL_ANYWHERE_TARGET.split('-');
Object.defineProperty(process, 'platform', { value: platform });
Object.defineProperty(process, 'arch', { value: arch });
`;

function parseArgs(argv) {
  let dir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const targets = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dir') dir = resolve(argv[++i]);
    else targets.push(argv[i]);
  }
  return { dir, targets: targets.length > 0 ? targets : DEFAULT_TARGETS };
}

/** npm's CLI entry point: the one the `npm` on PATH runs, so the same npm a user has. */
function npmCli() {
  if (process.env.npm_execpath?.endsWith('npm-cli.js')) return process.env.npm_execpath;
  const which = spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' });
  if (which.status === 0) {
    const cli = join(dirname(realpathSync(which.stdout.trim())), 'npm-cli.js');
    try {
      return realpathSync(cli);
    } catch {
      // not the usual layout: ask npm where it lives
    }
  }
  const prefix = spawnSync('npm', ['prefix', '-g'], { encoding: 'utf8' }).stdout.trim();
  return join(prefix, 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
}

const { dir, targets } = parseArgs(process.argv.slice(2));
const work = mkdtempSync(join(tmpdir(), 'install-anywhere-'));
let failed = 0;
try {
  copyFileSync(join(dir, 'package.json'), join(work, 'package.json'));
  copyFileSync(join(dir, 'package-lock.json'), join(work, 'package-lock.json'));
  const override = join(work, 'platform-override.cjs');
  writeFileSync(override, OVERRIDE);
  const cli = npmCli();
  for (const target of targets) {
    if (!/^[a-z0-9]+-[a-z0-9]+$/.test(target)) throw new Error(`target ${target} is not <platform>-<arch>, e.g. darwin-arm64`);
    const run = spawnSync(
      process.execPath,
      ['--require', override, cli, 'ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'],
      {
        cwd: work,
        encoding: 'utf8',
        env: { ...process.env, INSTALL_ANYWHERE_TARGET: target, npm_config_loglevel: 'warn' },
        timeout: 10 * 60_000,
      },
    );
    if (run.status === 0) {
      const added = /added (\d+) packages?/.exec(run.stdout)?.[1] ?? '?';
      console.log(`install-anywhere: npm ci on ${target}: ok (${added} packages)`);
    } else {
      failed++;
      const reason = `${run.stderr}${run.stdout}`
        .split('\n')
        .filter((line) => /npm (error|ERR)/.test(line) && !/complete log of this run/.test(line))
        .join('\n');
      console.error(`install-anywhere: npm ci on ${target}: FAILS (exit ${run.status ?? run.signal ?? run.error?.message})\n${reason}`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed > 0 ? 1 : 0);
