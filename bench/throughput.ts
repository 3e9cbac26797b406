/**
 * Non-streaming load: autocannon against each server in alternating rounds
 * within one run, so all of them see the same machine. CPU per request is
 * read inside each server (probe.ts) and divided by the requests it served.
 */
import autocannon from 'autocannon';
import { mean, usage } from './processes.js';
import type { Target } from './servers.js';

const DURATION = Number(process.env.DURATION ?? 5);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 32);
/**
 * Seconds of load each server gets before anything counts. A large app's
 * JIT takes several seconds of load to settle: measured second by second on
 * this 2-core machine, this gateway's and Portkey's CPU per request were
 * still falling 8 to 10 s in (the bare translator's after 4 s), so a short
 * warm-up counted part of their compiling in the first round.
 */
export const WARMUP = Number(process.env.WARMUP ?? 8);

/** The conversation every chat-completions section sends (responses.ts adds `stream` to it). */
export const conversation = {
  model: 'claude-sonnet-5-5',
  max_tokens: 256,
  messages: [
    { role: 'system', content: 'You are a concise assistant.' },
    { role: 'user', content: 'Summarise the plot of Hamlet in two sentences.' },
    { role: 'assistant', content: 'Prince Hamlet seeks revenge for his father.' },
    { role: 'user', content: [{ type: 'text', text: 'Shorter, please.' }] },
  ],
  tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }],
};

const body = JSON.stringify(conversation);

export interface ThroughputResult {
  target: Target;
  rps: number;
  p99: number;
  cpuMsPerRequest: number;
  peakRss: number;
}

async function load(target: Target, duration: number) {
  const result = await autocannon({
    url: `http://127.0.0.1:${target.port}/v1/chat/completions`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    body,
    connections: CONNECTIONS,
    duration,
  });
  if (result.non2xx || result.errors) throw new Error(`${target.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result;
}

export async function throughput(targets: Target[]): Promise<ThroughputResult[]> {
  console.log(`\n## Non-streaming: ${ROUNDS} rounds x ${DURATION} s per server, ${CONNECTIONS} connections, max_tokens 256`);
  // Warm-up (JIT, connection pools) before anything counts.
  for (const target of targets) await load(target, WARMUP);
  const samples = new Map(targets.map((t) => [t, { rps: [] as number[], p99: [] as number[], cpu: [] as number[] }]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of targets) {
      const before = await usage(target);
      const result = await load(target, DURATION);
      const after = await usage(target);
      const s = samples.get(target)!;
      s.rps.push(result.requests.average);
      s.p99.push(result.latency.p99);
      s.cpu.push((after.cpuMs - before.cpuMs) / result.requests.total);
    }
  }
  const results: ThroughputResult[] = [];
  for (const target of targets) {
    const s = samples.get(target)!;
    results.push({ target, rps: mean(s.rps), p99: mean(s.p99), cpuMsPerRequest: mean(s.cpu), peakRss: (await usage(target)).peakRss });
  }
  const floor = results[0];
  console.log(`${'server'.padEnd(20)} ${'req/s'.padStart(7)} ${'ratio'.padStart(6)} ${'p99 ms'.padStart(7)} ${'CPU ms/req'.padStart(11)} ${'peak RSS MB'.padStart(12)}`);
  for (const r of results) {
    console.log(
      `${r.target.name.padEnd(20)} ${r.rps.toFixed(0).padStart(7)} ${(r.rps / floor.rps).toFixed(2).padStart(6)} ${r.p99.toFixed(1).padStart(7)} ${r.cpuMsPerRequest.toFixed(3).padStart(11)} ${(r.peakRss / 2 ** 20).toFixed(0).padStart(12)}`,
    );
  }
  return results;
}
