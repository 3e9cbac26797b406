/**
 * `npm run bench`: this gateway against a bare node:http translator (the
 * floor) and the Portkey gateway (the peer), all in their own processes in
 * front of the same zero-latency loopback stand-in, in one run. The
 * throughput section also measures the floor of the gateway's own stack
 * (stack-floor.ts: Nest alone, then Nest and the SDK). Only ratios
 * and in-server CPU per request mean much on a shared machine; the machine's
 * load is printed so a reader can judge.
 *
 *   npm run bench                      (all sections)
 *   BENCH=throughput npm run bench     (or BENCH=streams, BENCH=responses, BENCH=messages, BENCH=redis)
 *   DURATION=5 ROUNDS=3 CONNECTIONS=32 WARMUP=8 STREAM_ROUNDS=3 OPEN_STREAMS=1000
 */
import { cpus, loadavg } from 'node:os';
import { stopServer, type Server } from './processes.js';
import { startStackFloors, startStandIn, startTargets } from './servers.js';
import { streams, type StreamResult } from './streams.js';
import { messages, type MessagesResult } from './messages.js';
import { redisSection, type RedisResult } from './redis.js';
import { responses, type ResponsesResult } from './responses.js';
import { throughput, type ThroughputResult } from './throughput.js';

const SECTIONS = (process.env.BENCH ?? 'throughput,streams,responses,messages,redis').split(',');
const LIMIT_MS = 15 * 60_000;

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

function verdicts(
  t: ThroughputResult[] | undefined,
  s: StreamResult[] | undefined,
  r: ResponsesResult | undefined,
  m: MessagesResult | undefined,
  redis: RedisResult | undefined,
) {
  const lines: Array<[string, boolean]> = [];
  if (t) {
    const [bare, gateway, portkey] = t;
    lines.push(
      [`CPU per non-streaming request ${gateway.cpuMsPerRequest.toFixed(3)} ms (≤ 0.6)`, gateway.cpuMsPerRequest <= 0.6],
      [`throughput ${(gateway.rps / bare.rps).toFixed(2)}× the bare translator (≥ 0.35)`, gateway.rps / bare.rps >= 0.35],
      [`throughput ${(gateway.rps / portkey.rps).toFixed(2)}× Portkey (≥ 3)`, gateway.rps / portkey.rps >= 3],
      [`p99 ${(gateway.p99 / bare.p99).toFixed(2)}× the bare translator's (≤ 3)`, gateway.p99 / bare.p99 <= 3],
    );
  }
  if (s) {
    const gateway = s[1];
    lines.push(
      [`RSS with open streams ${(gateway.openRss / 2 ** 20).toFixed(0)} MB (≤ 180)`, gateway.openRss <= 180 * 2 ** 20],
      [`added p50 per streamed event ${gateway.addedP50.toFixed(3)} ms (≤ 0.25)`, gateway.addedP50 <= 0.25],
    );
  }
  if (r) {
    lines.push([`/v1/responses CPU per request ${r.cpuRatio.toFixed(3)}× /v1/chat/completions' (≤ 1.10)`, r.cpuRatio <= 1.1]);
  }
  if (m) {
    lines.push(
      [`/v1/messages CPU per request ${m.cpuRatio.toFixed(3)}× /v1/chat/completions' (≤ 0.8)`, m.cpuRatio <= 0.8],
      [
        `/v1/messages added p50 per streamed event ${m.addedP50.toFixed(3)} ms, the bare translator's ${m.bareAddedP50.toFixed(3)} ms (≤ its + 0.05)`,
        m.addedP50 <= m.bareAddedP50 + 0.05,
      ],
    );
  }
  if (redis) {
    lines.push([`stateful /v1/responses CPU per request with Redis ${redis.cpuRatio.toFixed(3)}× in process (≤ 1.3)`, redis.cpuRatio <= 1.3]);
  }
  console.log('\n## Targets');
  for (const [line, ok] of lines) console.log(`${ok ? 'met   ' : 'MISSED'} ${line}`);
  if (t && t.length > 3) {
    // What the stack itself allows: no gateway on Nest, Express and the SDK can do better than these rows.
    const [bare, gateway, portkey, ...floors] = t;
    console.log('\n## The stack\'s floors (same run): the bare translator\'s work in a minimal Nest app');
    for (const floor of floors) {
      console.log(
        `${floor.target.name.padEnd(20)} CPU ${floor.cpuMsPerRequest.toFixed(3)} ms/req; throughput ${(floor.rps / bare.rps).toFixed(2)}× the bare translator, ${(floor.rps / portkey.rps).toFixed(2)}× Portkey; the gateway does ${(gateway.rps / floor.rps).toFixed(2)}× its throughput`,
      );
    }
  }
}

async function main() {
  console.log(`# claude-code-proxy bench — node ${process.version}, ${cpus().length} CPUs, load average ${load()} (1/5/15 min)`);
  const servers: Server[] = [];
  const guard = setTimeout(() => {
    console.error(`bench: over ${LIMIT_MS / 60_000} min, stopping`);
    for (const s of servers) s.child.kill('SIGKILL');
    process.exit(2);
  }, LIMIT_MS).unref();
  try {
    const standIn = await startStandIn();
    servers.push(standIn);
    // Each section gets fresh servers: memory held on to after one section's
    // load would otherwise be counted against the next one's streams.
    const fresh = async () => {
      for (const server of servers.splice(1).reverse()) await stopServer(server);
      const targets = await startTargets(standIn);
      servers.push(...targets);
      return targets;
    };
    const floors = async () => {
      const targets = await startStackFloors(standIn);
      servers.push(...targets);
      return targets;
    };
    const t = SECTIONS.includes('throughput') ? await throughput([...(await fresh()), ...(await floors())]) : undefined;
    const s = SECTIONS.includes('streams') ? await streams(standIn, await fresh()) : undefined;
    // The gateway alone: the other two servers have no /v1/responses.
    const r = SECTIONS.includes('responses') ? await responses((await fresh())[1]) : undefined;
    const m = SECTIONS.includes('messages') ? await (async () => {
      const [bare, gateway] = await fresh();
      return messages(standIn, bare, gateway);
    })() : undefined;
    // Its own two gateways and redis-server; the section's servers are stopped first.
    if (SECTIONS.includes('redis')) for (const server of servers.splice(1).reverse()) await stopServer(server);
    const redis = SECTIONS.includes('redis') ? await redisSection(standIn) : undefined;
    verdicts(t, s, r, m, redis);
    console.log(`\nload average at the end ${load()}`);
  } finally {
    clearTimeout(guard);
    for (const server of servers.reverse()) await stopServer(server);
  }
}

await main();
