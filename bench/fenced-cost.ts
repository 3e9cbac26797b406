/**
 * What each piece of src/common/fast/ saves: the gateway as built, against
 * copies of it with one piece switched off (its module replaced by the plain
 * public-API path it stands in for), all in front of the same loopback
 * stand-in and loaded in interleaved rounds within one run.
 *
 * The figure comes from a CPU profile of each round, taken inside each
 * gateway (probe.ts): the share of its busy time spent in the code the piece
 * can change (its region: the stack frames it or its plain path run under,
 * and the garbage collector). On a machine shared with other work, CPU time
 * per request swings by tens of percent between identical processes, while
 * shares of one profile barely move. If everything outside the region costs
 * the same either way, a piece saves (off - on) / (1 - on) of the CPU of a
 * request without it, `off` and `on` being the region's shares. Each round
 * pairs a copy with the build as it is; the saving is the median of the
 * pairs, with their spread. A second copy of the build ("control") measured
 * with each region shows the noise. docs/architecture.md keeps the table; a
 * piece saving under 2 % is dropped. The two validation pieces are also
 * measured in this process (fenced-micro.ts), which is steadier for them.
 *
 *   npm run bench:fenced          (DURATION=3 ROUNDS=8 WARMUP=4 CONNECTIONS=32; BENCH_STREAM=1 streams)
 */
import autocannon from 'autocannon';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CpuProfile } from './probe.js';
import { ask, freePort, median, type Server, startServer, stopServer, usage } from './processes.js';
import { validationMicro } from './fenced-micro.js';
import { chatBody } from './responses.js';
import { startStandIn, upstreamEnv } from './servers.js';

const DURATION = Number(process.env.DURATION ?? 3);
const ROUNDS = Number(process.env.ROUNDS ?? 8);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 32);
const STREAM = process.env.BENCH_STREAM === '1';
/** PIECES=express,hashMap: only the pieces whose names contain one of these. */
const ONLY = process.env.PIECES?.split(',').filter(Boolean);
/** Seconds of load each server gets before the rounds, for V8 to compile its hot paths. */
const WARMUP = Number(process.env.WARMUP ?? 4);

/**
 * Each piece switched off: the compiled modules under src/common/fast/ and
 * what replaces them, the plain path through the library's public API; and
 * its region, the samples whose stack holds a frame from a file matching
 * `within` (or, for a piece whose effect is spread over every use of an
 * object, none matching `outside`). The garbage collector is in every region.
 */
interface Piece {
  off: Record<string, string>;
  within?: RegExp;
  outside?: RegExp;
}

/** Where Nest's pipe, class-transformer and class-validator run, and the body facts the pipe reads. */
const VALIDATION = /@nestjs\/common\/pipes\/validation\.pipe\.js|class-(validator|transformer)\/|src\/common\/(body\/plain-json|verbatim|validation\.pipe|fast\/validation)/;

const PIECES: Record<string, Piece> = {
  'Express prototypes': {
    off: {
      'express-adapter.js': `import { ExpressAdapter } from '@nestjs/platform-express';
export class GatewayExpressAdapter extends ExpressAdapter {}`,
    },
    // Requests and responses are read all over the request's path, but not by the SDK, its transport or the translation.
    outside: /@anthropic-ai\/sdk|node_modules\/undici\/|node:internal\/deps\/undici|fast\/undici-fetch|class-(validator|transformer)\/|\/src\/(translation|completions\/translation|responses\/translation)\//,
  },
  'ValidationPipe overrides': {
    off: {
      'validation-pipe.js': `import { ValidationPipe } from '@nestjs/common';
export class GatewayValidationPipe extends ValidationPipe {}`,
    },
    within: VALIDATION,
  },
  'class-validator metadata cache': {
    off: {
      'validation-metadata-cache.js': `import { validateSync } from 'class-validator';
export const validatePresentFields = (object, options) => validateSync(object, options);
export function cacheValidationMetadata() {}`,
    },
    within: VALIDATION,
  },
  'undici fetch for the SDK': {
    // Node's own fetch; a call's answer headers still reach its sink (answerSeen), so the pool reads the same limits.
    off: {
      'undici-fetch.js': [
        "const SINK = Symbol('answer sink');",
        'export function answerSeen(sink) { return { [SINK]: sink }; }',
        'async function seen(input, init = {}) { const answer = await globalThis.fetch(input, init); if (init[SINK]) init[SINK].headers = answer.headers; return answer; }',
        'export function createUndiciFetch() { return { fetch: seen, close: async () => {} }; }',
      ].join('\n'),
    },
    within: /@anthropic-ai\/sdk|node_modules\/undici\/|node:internal\/(deps\/undici|webstreams)|fast\/undici-fetch|upstream\/anthropic-client/,
  },
};

const compiled = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

/** A copy of the compiled gateway with `replaced` written over modules of src/common/fast/; its main.js. */
function variant(name: string, replaced: Record<string, string>): string {
  const root = compiled(`fenced-off/${name.replace(/\W+/g, '-')}`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  cpSync(compiled('src'), `${root}/src`, { recursive: true });
  for (const [file, text] of Object.entries(replaced)) writeFileSync(`${root}/src/common/fast/${file}`, `${text}\n`);
  return `${root}/src/main.js`;
}

/** The share of a profile's busy time in a piece's region. */
function share(profile: CpuProfile, piece: Piece, gc = true): number {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const inRegion = new Map<number, boolean>();
  const stackMatches = (id: number, re: RegExp): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) if (re.test(byId.get(at)?.callFrame.url ?? '')) return true;
    return false;
  };
  let busy = 0;
  let region = 0;
  profile.samples.forEach((id, i) => {
    const name = byId.get(id)?.callFrame.functionName;
    if (name === '(idle)') return;
    const dt = profile.timeDeltas[i] ?? 0;
    busy += dt;
    let hit = inRegion.get(id);
    if (hit === undefined) {
      hit =
        (gc && name === '(garbage collector)') ||
        (piece.within !== undefined && stackMatches(id, piece.within)) ||
        (piece.outside !== undefined && name !== '(program)' && !stackMatches(id, piece.outside));
      inRegion.set(id, hit);
    }
    if (hit) region += dt;
  });
  return region / busy;
}

interface Round {
  cpuUs: number;
  profile: CpuProfile;
}

async function load(server: Server, body: string, duration = DURATION, profiled = true): Promise<Round | undefined> {
  if (profiled) await ask(server, 'profile:start', (answer) => (answer === 'profile:started' ? true : undefined));
  const before = await usage(server);
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}/v1/chat/completions`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: CONNECTIONS,
    duration,
  });
  const after = await usage(server);
  if (result.non2xx || result.errors) throw new Error(`${server.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  if (!profiled) return undefined;
  const profile = await ask(server, 'profile:stop', (answer) => (answer as { profile?: CpuProfile })?.profile, 30_000);
  return { cpuUs: ((after.cpuMs - before.cpuMs) * 1000) / result.requests.total, profile };
}

const pct = (v: number) => `${(100 * v).toFixed(1)} %`;

/** Median saving of the rounds' pairs, and their spread, with a piece's region. */
function savings(on: Round[], off: Round[], piece: Piece): string {
  const pairs = on.map((round, i) => {
    const s1 = share(round.profile, piece);
    return (share(off[i].profile, piece) - s1) / (1 - s1);
  });
  const sorted = [...pairs].sort((a, b) => a - b);
  const region = median(on.map((round) => share(round.profile, piece)));
  return `${pct(median(sorted)).padStart(7)} [${pct(sorted[0])} .. ${pct(sorted.at(-1) ?? NaN)}] (region ${pct(region)} of as built)`;
}

async function main() {
  const standIn = await startStandIn();
  const env = upstreamEnv(standIn);
  const pieces = Object.entries(PIECES).filter(([name]) => !ONLY || ONLY.some((part) => name.includes(part)));
  const mains: Array<[string, string]> = [
    ['as built', 'src/main.js'],
    ['control', 'src/main.js'],
    ...pieces.map(([name, piece]): [string, string] => [name, variant(name, piece.off)]),
  ];
  const servers: Server[] = [];
  const body = chatBody(STREAM);
  try {
    for (const [name, main] of mains) servers.push(await startServer(name, main, await freePort(), env));
    for (const server of servers) await load(server, body, WARMUP, false);
    const rounds = new Map<string, Round[]>(servers.map((s) => [s.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      // Each round starts one server further on, so no server always runs right after the same one.
      for (let i = 0; i < servers.length; i++) {
        const server = servers[(i + round) % servers.length];
        rounds.get(server.name)?.push((await load(server, body)) as Round);
      }
    }
    const built = rounds.get('as built') ?? [];
    const control = rounds.get('control') ?? [];
    const cpu = (name: string) => `${median((rounds.get(name) ?? []).map((r) => r.cpuUs)).toFixed(0).padStart(5)} µs`;
    console.log(`# fenced pieces: ${ROUNDS} interleaved rounds x ${DURATION} s, ${CONNECTIONS} connections, /v1/chat/completions ${STREAM ? 'streaming' : 'non-streaming'}`);
    console.log('# saving of CPU per request with the piece on, from the profiles: median of the rounds [spread]; control: the build against itself');
    console.log(`${'as built'.padEnd(32)} ${cpu('as built')}   ${'control'.padEnd(5)} ${cpu('control')}   (CPU per request, for scale: noisy on a shared machine)`);
    for (const [name, piece] of pieces) {
      console.log(`${name.padEnd(32)} saving ${savings(built, rounds.get(name) ?? [], piece)}   control ${savings(built, control, piece)}   off: ${cpu(name)}`);
    }
    // The pipe's transform, its garbage aside, as a share of the gateway's busy time; then what each validation piece saves of it.
    const transform = median(built.map((round) => share(round.profile, { off: {}, within: /@nestjs\/common\/pipes\/validation\.pipe\.js/ }, false)));
    console.log(`\n# in this process, alternating batches: ValidationPipe.transform on the same body, with each piece and without`);
    console.log(`# (its saving per µs of the transform, x the transform's share of as built's busy time, ${pct(transform)}, gives its share of a request)`);
    for (const result of await validationMicro()) {
      const [low, high] = result.spread;
      console.log(
        `${result.name.padEnd(32)} ${result.onUs.toFixed(1)} µs on, ${result.offUs.toFixed(1)} µs off: saves ${pct(result.saved)} of the transform [${pct(low)} .. ${pct(high)}], ${pct(result.saved * transform)} of a request`,
      );
    }
  } finally {
    for (const server of servers.reverse()) await stopServer(server);
    await stopServer(standIn);
  }
}

await main();
