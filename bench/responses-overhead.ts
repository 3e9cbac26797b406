/**
 * The Responses API's overhead against Chat Completions on the same
 * conversation: one gateway process in front of the loopback stand-in,
 * loaded by autocannon on /v1/chat/completions and /v1/responses in
 * alternating rounds within one run. The result that matters is the ratio.
 * `npm run bench` has the same comparison with CPU per request (responses.ts).
 *
 *   npm run bench:responses            (DURATION=5 ROUNDS=2 CONNECTIONS=20 by default)
 *   STREAM=1 npm run bench:responses   the same, both endpoints streaming
 */
import autocannon from 'autocannon';
import { freePort, mean, startServer, stopServer, type Server } from './processes.js';
import { chatBody, responsesBody } from './responses.js';

const DURATION = Number(process.env.DURATION ?? 5);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 20);
const STREAM = process.env.STREAM === '1';

const chat = chatBody(STREAM);
const responses = responsesBody(STREAM);

async function load(port: number, path: string, body: string, duration = DURATION) {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: CONNECTIONS,
    duration,
  });
  if (result.non2xx || result.errors) throw new Error(`${path}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result;
}

async function main() {
  const servers: Server[] = [];
  try {
    const upstreamPort = await freePort();
    servers.push(await startServer('stand-in', 'bench/stand-in-server.js', upstreamPort, {}));
    const gatewayPort = await freePort();
    const env = { ANTHROPIC_BASE_URL: `http://127.0.0.1:${upstreamPort}`, ANTHROPIC_API_KEY: 'sk-ant-api03-bench-0000000000' };
    servers.push(await startServer('gateway', 'src/main.js', gatewayPort, env));

    // Warm both paths up (JIT, connection pools) before measuring.
    await load(gatewayPort, '/v1/chat/completions', chat, 1);
    await load(gatewayPort, '/v1/responses', responses, 1);

    const rps = { chat: [] as number[], responses: [] as number[] };
    const p99 = { chat: [] as number[], responses: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      const c = await load(gatewayPort, '/v1/chat/completions', chat);
      const r = await load(gatewayPort, '/v1/responses', responses);
      rps.chat.push(c.requests.average);
      rps.responses.push(r.requests.average);
      p99.chat.push(c.latency.p99);
      p99.responses.push(r.latency.p99);
    }
    console.log(`responses overhead: ${ROUNDS} rounds x ${DURATION} s, ${CONNECTIONS} connections, ${STREAM ? 'streaming' : 'non-streaming'}`);
    console.log(`/v1/chat/completions  ${mean(rps.chat).toFixed(0)} req/s  p99 ${mean(p99.chat).toFixed(1)} ms`);
    console.log(`/v1/responses         ${mean(rps.responses).toFixed(0)} req/s  p99 ${mean(p99.responses).toFixed(1)} ms`);
    console.log(`ratio responses / chat  ${(mean(rps.responses) / mean(rps.chat)).toFixed(2)}`);
  } finally {
    for (const server of servers.reverse()) await stopServer(server);
  }
}

await main();
