/**
 * `npm run bench:profile`: the gateway under the bench's non-streaming load
 * (or BENCH_STREAM=1: streaming) with `node --cpu-prof`, and the profile's
 * busy time split by area (self time of each function, by where it lives),
 * to tell what a change bought.
 *
 *   DURATION=8 CONNECTIONS=32 npm run bench:profile
 *   ENDPOINT=responses npm run bench:profile    (/v1/responses, the same conversation)
 *   TOP=30 npm run bench:profile                (also the 30 functions with the most self time)
 */
import autocannon from 'autocannon';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startServer, stopServer } from './processes.js';
import { chatBody, responsesBody } from './responses.js';
import { startStandIn, upstreamEnv } from './servers.js';

const DURATION = Number(process.env.DURATION ?? 8);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 32);
const STREAM = process.env.BENCH_STREAM === '1';
const RESPONSES = process.env.ENDPOINT === 'responses';
const TOP = Number(process.env.TOP ?? 0);

/** First match wins: more specific places before the general ones. */
const AREAS: Array<[string, RegExp]> = [
  ['undici (npm, the SDK transport)', /node_modules\/undici\//],
  ["Node's bundled fetch/undici", /node:internal\/deps\/undici/],
  ['web streams', /node:internal\/webstreams/],
  ['Anthropic SDK', /@anthropic-ai\/sdk/],
  ['class-validator / class-transformer', /class-(validator|transformer)/],
  ['Nest', /@nestjs\//],
  ['Express, body-parser, router', /node_modules\/(express|body-parser|router|raw-body|finalhandler|send|on-finished|type-is|content-type|mime|iconv-lite|qs|depd|statuses|accepts|negotiator|vary|etag|fresh|range-parser|proxy-addr|forwarded|cookie|encodeurl|escape-html|parseurl|media-typer|http-errors|path-to-regexp|debug|ms)\//],
  ['rxjs', /node_modules\/rxjs\//],
  ['this gateway (src/)', /\/src\//],
  ['Node http / net / streams', /node:(_http|http|net|internal\/(streams|http|stream_base|net|dns|js_stream)|stream|events|internal\/event_target|internal\/abort_controller|timers|internal\/timers)/],
  ['other node_modules', /node_modules\//],
  ['other Node internals', /^node:/],
];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

function summarise(file: string) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const time = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const { functionName, url } = node.callFrame;
    if (functionName === '(idle)') return;
    const dt = profile.timeDeltas[i] ?? 0;
    busy += dt;
    let area: string;
    if (functionName === '(garbage collector)') area = 'garbage collector';
    else if (functionName === '(program)') area = '(program: native, unattributed)';
    else if (!url) area = functionName.includes('Promise') || functionName === 'await' ? 'promises (native)' : 'native (JSON, builtins)';
    else area = AREAS.find(([, re]) => re.test(url))?.[0] ?? 'other';
    time.set(area, (time.get(area) ?? 0) + dt);
    const where = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|src)\//, '$1/')}`;
    functions.set(where, (functions.get(where) ?? 0) + dt);
  });
  const rows = [...time].sort((a, b) => b[1] - a[1]);
  for (const [area, t] of rows) console.log(`${((100 * t) / busy).toFixed(1).padStart(5)}%  ${area}`);
  if (TOP > 0) {
    console.log(`\n# the ${TOP} functions with the most self time`);
    for (const [where, t] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`${((100 * t) / busy).toFixed(1).padStart(5)}%  ${where}`);
  }
  return busy / 1000;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'ccp-prof-'));
  const standIn = await startStandIn();
  const env = upstreamEnv(standIn);
  // GATEWAY_MAIN: another build of the gateway (an absolute path), to profile before and after a change.
  const gateway = await startServer('claude-code-proxy', process.env.GATEWAY_MAIN ?? 'src/main.js', await freePort(), env, { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir] });
  const body = RESPONSES ? responsesBody(STREAM) : chatBody(STREAM);
  let requests = 0;
  try {
    // DURATION=0: start-up alone, to subtract from a loaded profile.
    if (DURATION === 0) return;
    const result = await autocannon({
      url: `http://127.0.0.1:${gateway.port}${RESPONSES ? '/v1/responses' : '/v1/chat/completions'}`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      connections: CONNECTIONS,
      duration: DURATION,
    });
    requests = result.requests.total;
  } finally {
    await stopServer(gateway);
    await stopServer(standIn);
    report(dir, requests);
  }
}

function report(dir: string, requests: number) {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile written');
  console.log(`# profile of the gateway, ${RESPONSES ? '/v1/responses' : '/v1/chat/completions'}, ${STREAM ? 'streaming' : 'non-streaming'}, ${DURATION} s x ${CONNECTIONS} connections, ${requests} requests (${join(dir, file)})`);
  const busyMs = summarise(join(dir, file));
  console.log(`busy ${busyMs.toFixed(0)} ms of main thread, ${(busyMs / Math.max(requests, 1)).toFixed(3)} ms per request (start-up included)`);
}

await main();
