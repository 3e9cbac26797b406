/**
 * Non-streaming throughput of the gateway against the bare node:http
 * translator, both in their own processes in front of the same loopback
 * stand-in, loaded by autocannon in alternating rounds within one run. The
 * result that matters is the ratio, measured here, not an absolute number.
 *
 *   npm run bench            (DURATION=5 ROUNDS=2 CONNECTIONS=20 by default)
 */
import autocannon from 'autocannon';
import type { ChildProcess } from 'node:child_process';
import { freePort, startProcess, stopProcess } from './processes.js';

const DURATION = Number(process.env.DURATION ?? 5);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 20);

const body = JSON.stringify({
  model: 'claude-sonnet-5-5',
  max_tokens: 512,
  messages: [
    { role: 'system', content: 'You are a concise assistant.' },
    { role: 'user', content: 'Summarise the plot of Hamlet in two sentences.' },
    { role: 'assistant', content: 'Prince Hamlet seeks revenge for his father.' },
    { role: 'user', content: [{ type: 'text', text: 'Shorter, please.' }] },
  ],
  tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }],
});

async function load(port: number) {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: CONNECTIONS,
    duration: DURATION,
  });
  if (result.non2xx || result.errors) throw new Error(`port ${port}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result;
}

async function main() {
  const children: ChildProcess[] = [];
  try {
    const upstreamPort = await freePort();
    children.push(await startProcess('bench/stand-in-server.js', upstreamPort, {}));
    const env = { ANTHROPIC_BASE_URL: `http://127.0.0.1:${upstreamPort}`, ANTHROPIC_API_KEY: 'sk-ant-api03-bench-0000000000' };
    const gatewayPort = await freePort();
    const baselinePort = await freePort();
    children.push(await startProcess('src/main.js', gatewayPort, env));
    children.push(await startProcess('bench/baseline-translator.js', baselinePort, env));

    // Warm both up (JIT, connection pools) before measuring.
    for (const port of [baselinePort, gatewayPort]) await autocannon({ url: `http://127.0.0.1:${port}/v1/chat/completions`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: CONNECTIONS, duration: 1 });

    const gateway: number[] = [];
    const baseline: number[] = [];
    const p99 = { gateway: [] as number[], baseline: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      const b = await load(baselinePort);
      const g = await load(gatewayPort);
      baseline.push(b.requests.average);
      gateway.push(g.requests.average);
      p99.baseline.push(b.latency.p99);
      p99.gateway.push(g.latency.p99);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(`throughput: ${ROUNDS} rounds x ${DURATION} s, ${CONNECTIONS} connections, non-streaming`);
    console.log(`bare node:http translator  ${mean(baseline).toFixed(0)} req/s  p99 ${mean(p99.baseline).toFixed(1)} ms`);
    console.log(`claude-code-proxy          ${mean(gateway).toFixed(0)} req/s  p99 ${mean(p99.gateway).toFixed(1)} ms`);
    console.log(`ratio gateway / baseline   ${(mean(gateway) / mean(baseline)).toFixed(2)}`);
  } finally {
    for (const child of children.reverse()) await stopProcess(child);
  }
}

await main();
