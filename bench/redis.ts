/**
 * The shared store's cost, as a section of `npm run bench`: two gateway
 * processes in front of the same stand-in, one with the in-process store and
 * one with REDIS_URL (a real redis-server on loopback), sent the same
 * stateful Responses request in alternating rounds: it continues a stored
 * response (`previous_response_id`: one read) and is stored itself (one
 * write), so each request makes the two round trips a Responses call may
 * make. The ratio that decides is the gateway's CPU per request (probe.ts;
 * Redis's own CPU is its own process's), the median of the rounds' pairs.
 */
import autocannon from 'autocannon';
import { RedisServer } from '../test/support/redis-server.js';
import { freePort, mean, median, startServer, stopServer, usage, type Server } from './processes.js';
import { WARMUP } from './throughput.js';
import { upstreamEnv } from './servers.js';

const DURATION = Number(process.env.RESPONSES_DURATION ?? 3);
const ROUNDS = Number(process.env.RESPONSES_ROUNDS ?? 6);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 32);

export interface RedisResult {
  memory: { rps: number; cpuMsPerRequest: number };
  redis: { rps: number; cpuMsPerRequest: number };
  /** Redis CPU per request over in-process (median of the rounds' pairs): 1.3 at most. */
  cpuRatio: number;
}

const body = (previousId: string) =>
  JSON.stringify({
    model: 'claude-sonnet-5-5',
    max_output_tokens: 256,
    instructions: 'You are a concise assistant.',
    previous_response_id: previousId,
    input: [{ role: 'user', content: [{ type: 'input_text', text: 'Shorter, please.' }] }],
  });

/** A first stored response to continue from. */
async function firstResponse(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-sonnet-5-5', input: 'Summarise the plot of Hamlet in two sentences.' }),
  });
  const json = (await res.json()) as { id?: string };
  if (!json.id) throw new Error(`no stored response: ${res.status} ${JSON.stringify(json)}`);
  return json.id;
}

async function load(port: number, payload: string, duration: number) {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/v1/responses`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: payload,
    connections: CONNECTIONS,
    duration,
  });
  if (result.non2xx || result.errors) throw new Error(`/v1/responses: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result;
}

async function storeUp(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
    const json = (await res.json()) as { details?: { store?: { state?: string } } };
    if (json.details?.store?.state === 'up') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the gateway did not connect to Redis');
}

export async function redisSection(standIn: Server): Promise<RedisResult | undefined> {
  if (!RedisServer.available()) {
    console.log('\n## Redis: SKIPPED, redis-server is not installed (apt-get install -y redis-server)');
    return undefined;
  }
  console.log(`\n## /v1/responses with the store in Redis against in process: stateful requests (one read, one write), ${ROUNDS} rounds x ${DURATION} s each, ${CONNECTIONS} connections`);
  const redis = await RedisServer.start();
  const env = upstreamEnv(standIn);
  const servers: Server[] = [];
  try {
    servers.push(await startServer('gateway, store in process', 'src/main.js', await freePort(), env));
    servers.push(await startServer('gateway, store in Redis', 'src/main.js', await freePort(), { ...env, REDIS_URL: redis.url }));
    await storeUp(servers[1].port);
    const targets = await Promise.all(servers.map(async (server) => ({ server, payload: body(await firstResponse(server.port)) })));
    for (const t of targets) await load(t.server.port, t.payload, WARMUP);
    const samples = targets.map(() => ({ rps: [] as number[], cpu: [] as number[] }));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, t] of targets.entries()) {
        const before = await usage(t.server);
        const result = await load(t.server.port, t.payload, DURATION);
        const after = await usage(t.server);
        samples[i].rps.push(result.requests.average);
        samples[i].cpu.push((after.cpuMs - before.cpuMs) / result.requests.total);
      }
    }
    const [memory, shared] = samples.map((s) => ({ rps: mean(s.rps), cpuMsPerRequest: mean(s.cpu) }));
    const ratios = samples[0].cpu.map((cpu, i) => samples[1].cpu[i] / cpu);
    const cpuRatio = median(ratios);
    console.log(`${'store'.padEnd(22)} ${'req/s'.padStart(7)} ${'CPU ms/req'.padStart(11)}`);
    console.log(`${'in process'.padEnd(22)} ${memory.rps.toFixed(0).padStart(7)} ${memory.cpuMsPerRequest.toFixed(3).padStart(11)}`);
    console.log(`${'Redis'.padEnd(22)} ${shared.rps.toFixed(0).padStart(7)} ${shared.cpuMsPerRequest.toFixed(3).padStart(11)}`);
    console.log(`ratio Redis / in process (median of the rounds' pairs): CPU per request ${cpuRatio.toFixed(3)}; per pair: ${ratios.map((r) => r.toFixed(2)).join(', ')}`);
    return { memory, redis: shared, cpuRatio };
  } finally {
    for (const server of servers.reverse()) await stopServer(server);
    await redis.stop();
  }
}
