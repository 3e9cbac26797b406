/**
 * `npm run bench:compare -- <git ref>`: this build against the build of an
 * earlier commit, side by side in one run: both gateways in front of the same
 * stand-in, non-streaming chat completions in alternating rounds (which goes
 * first alternates too), CPU per request read inside each. It reports the
 * median of the rounds' ratios (this / that): a burst of other work during a
 * round moves both of a pair, so the ratio holds on a busy machine where
 * req/s and even CPU per request do not.
 *
 * The earlier commit is checked out in a temporary git worktree and built
 * there with this checkout's node_modules (an old commit whose dependencies
 * differ may not build; then compare two builds by hand with `COMPARE_DIR`,
 * a directory holding a `.bench` build).
 *
 *   npm run bench:compare -- a40f937
 *   ROUNDS=10 DURATION=4 npm run bench:compare -- HEAD~3
 */
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, median, type Server, startServer, stopServer, usage } from './processes.js';
import { startStandIn } from './servers.js';
import { conversation, WARMUP } from './throughput.js';

const ROUNDS = Number(process.env.ROUNDS ?? 8);
const DURATION = Number(process.env.DURATION ?? 4);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 32);
const root = fileURLToPath(new URL('../..', import.meta.url));
const body = JSON.stringify(conversation);

/** A worktree of `ref` with its bench build, and how to remove it. */
function buildRef(ref: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ccp-compare-'));
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  git('worktree', 'add', '--detach', dir, ref);
  const remove = () => {
    git('worktree', 'remove', '--force', dir);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    console.log(`building ${ref} in ${dir}`);
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.bench.json'], { cwd: dir, stdio: 'inherit' });
  } catch (error) {
    remove();
    throw error;
  }
  return { dir, remove };
}

/** CPU ms per request of one round of load. */
async function round(server: Server, seconds: number): Promise<number> {
  const before = await usage(server);
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}/v1/chat/completions`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: CONNECTIONS,
    duration: seconds,
  });
  if (result.non2xx || result.errors) throw new Error(`${server.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  const after = await usage(server);
  return (after.cpuMs - before.cpuMs) / result.requests.total;
}

async function main(): Promise<void> {
  const ref = process.argv[2];
  const given = process.env.COMPARE_DIR;
  if (!ref && !given) throw new Error('usage: npm run bench:compare -- <git ref>   (or COMPARE_DIR=<dir with a .bench build>)');
  const built = given ? { dir: given, remove: () => undefined } : buildRef(ref);
  const servers: Server[] = [];
  try {
    const standIn = await startStandIn();
    servers.push(standIn);
    const env = { ANTHROPIC_BASE_URL: `http://127.0.0.1:${standIn.port}`, ANTHROPIC_API_KEY: 'sk-ant-api03-bench-0000000000' };
    const that = await startServer(`that (${ref ?? given})`, join(built.dir, '.bench/src/main.js'), await freePort(), env);
    servers.push(that);
    const self = await startServer('this', 'src/main.js', await freePort(), env);
    servers.push(self);
    await round(that, WARMUP);
    await round(self, WARMUP);
    const mine: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 2 === 0) {
        theirs.push(await round(that, DURATION));
        mine.push(await round(self, DURATION));
      } else {
        mine.push(await round(self, DURATION));
        theirs.push(await round(that, DURATION));
      }
    }
    const ratios = mine.map((cpu, i) => cpu / theirs[i]);
    console.log(`\n## This build against ${ref ?? given}: ${ROUNDS} alternating rounds x ${DURATION} s, ${CONNECTIONS} connections, non-streaming`);
    console.log(`CPU ms per request   this ${median(mine).toFixed(3)}, that ${median(theirs).toFixed(3)} (medians)`);
    console.log(`this / that          ${median(ratios).toFixed(3)} (median of the rounds' ratios: ${ratios.map((r) => r.toFixed(2)).join(' ')})`);
    console.log(`load average         ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  } finally {
    for (const server of servers.reverse()) await stopServer(server);
    built.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
