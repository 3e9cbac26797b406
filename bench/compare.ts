/**
 * `npm run bench:compare -- <git ref>`: this build against the build of an
 * earlier commit, side by side in one run: both gateways in front of the same
 * stand-in, non-streaming chat completions in alternating rounds (which goes
 * first alternates too), CPU per request read inside each, in two sessions:
 * each build's process is started first once. Each session's ratio is the
 * median of its rounds' ratios (this / that): a burst of other work during a
 * round moves both of a pair, so the ratio holds on a busy machine where
 * req/s and even CPU per request do not. The result is the geometric mean
 * of the two sessions' ratios.
 *
 * The earlier commit is checked out in a temporary git worktree and built
 * there with this checkout's node_modules (an old commit whose dependencies
 * differ may not build; then compare two builds by hand with `COMPARE_DIR`,
 * a directory holding a `.bench` build).
 *
 *   npm run bench:compare -- a40f937
 *   ROUNDS=10 DURATION=4 npm run bench:compare -- HEAD~3
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, type Server, startServer, stopServer } from './processes.js';
import { chatBody, pairedRounds } from './responses.js';
import { startStandIn, upstreamEnv } from './servers.js';

const ROUNDS = Number(process.env.ROUNDS ?? 8);
const DURATION = Number(process.env.DURATION ?? 4);
const root = fileURLToPath(new URL('../..', import.meta.url));

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

/** One session: both gateways started afresh, `first` first, then paired rounds; this build's CPU per request over that one's. */
async function session(dir: string, label: string, first: 'this' | 'that', servers: Server[], standIn: Server): Promise<number> {
  const env = upstreamEnv(standIn);
  const start = async (side: 'this' | 'that') => {
    const server = side === 'this' ? await startServer('this', 'src/main.js', await freePort(), env) : await startServer(label, join(dir, '.bench/src/main.js'), await freePort(), env);
    servers.push(server);
    return server;
  };
  const [a, b] = [await start(first), await start(first === 'this' ? 'that' : 'this')];
  const [self, that] = first === 'this' ? [a, b] : [b, a];
  const chat = { path: '/v1/chat/completions', body: chatBody(false) };
  console.log(`\n### ${first === 'this' ? 'this build' : label} started first`);
  const { cpuRatio } = await pairedRounds(
    { ...self, headers: {} },
    { label, ...chat, target: { ...that, headers: {} } },
    { label: 'this', ...chat },
    { rounds: ROUNDS, duration: DURATION },
  );
  for (const server of servers.splice(1).reverse()) await stopServer(server);
  return cpuRatio;
}

async function main(): Promise<void> {
  const ref = process.argv[2];
  const given = process.env.COMPARE_DIR;
  if (!ref && !given) throw new Error('usage: npm run bench:compare -- <git ref>   (or COMPARE_DIR=<dir with a .bench build>)');
  const built = given ? { dir: given, remove: () => undefined } : buildRef(ref);
  const label = `that (${ref ?? given})`;
  const servers: Server[] = [];
  try {
    const standIn = await startStandIn();
    servers.push(standIn);
    console.log(`\n## This build against ${ref ?? given}: two sessions (each build started first once), ${ROUNDS} alternating rounds x ${DURATION} s each, non-streaming`);
    // Two processes of one build do not cost the same: five sessions of this
    // build against itself measured 0.95 to 1.02, and one pair of builds 1.076
    // and 1.176 with the start order swapped. So each build is started first
    // once, and the two sessions' ratios are averaged (geometric mean).
    const thatFirst = await session(built.dir, label, 'that', servers, standIn);
    const thisFirst = await session(built.dir, label, 'this', servers, standIn);
    const ratio = Math.sqrt(thatFirst * thisFirst);
    console.log(`\nthis / that: CPU per request ${ratio.toFixed(3)} (sessions ${thatFirst.toFixed(3)} with that started first, ${thisFirst.toFixed(3)} with this)`);
    console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  } finally {
    for (const server of servers.reverse()) await stopServer(server);
    built.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
