/**
 * The Responses API's overhead against Chat Completions, as a section of
 * `npm run bench`: the same gateway process, the same conversation sent to
 * /v1/chat/completions and to /v1/responses in alternating rounds. The ratio
 * that decides is CPU per request read inside the gateway (probe.ts), which
 * stays comparable on a shared machine; req/s is printed alongside. Each
 * round of one endpoint is paired with the round of the other that follows
 * it, and the ratio is the median of the pairs' ratios, so that a burst of
 * other work on the machine during one round does not decide the result.
 */
import autocannon from 'autocannon';
import { mean, median, usage } from './processes.js';
import type { Target } from './servers.js';
import { conversation, WARMUP } from './throughput.js';

const DURATION = Number(process.env.RESPONSES_DURATION ?? 3);
const ROUNDS = Number(process.env.RESPONSES_ROUNDS ?? 6);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 32);

/** The conversation of the throughput section, as a chat completion. */
export const chatBody = (stream: boolean) => JSON.stringify({ ...conversation, stream });

/** The same conversation as a Responses request; `store: false` keeps the store out of the comparison. */
export const responsesBody = (stream: boolean) =>
  JSON.stringify({
    model: 'claude-sonnet-5-5',
    max_output_tokens: 256,
    store: false,
    instructions: 'You are a concise assistant.',
    input: [
      { role: 'user', content: 'Summarise the plot of Hamlet in two sentences.' },
      { role: 'assistant', content: 'Prince Hamlet seeks revenge for his father.' },
      { role: 'user', content: [{ type: 'input_text', text: 'Shorter, please.' }] },
    ],
    tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } }],
    stream,
  });

export interface ResponsesResult {
  chat: { rps: number; cpuMsPerRequest: number };
  responses: { rps: number; cpuMsPerRequest: number };
  /** Responses CPU per request over chat's (median of the rounds' pairs): the overhead, 1.10 at most. */
  cpuRatio: number;
  /** The same for req/s. */
  rpsRatio: number;
}

/** One endpoint of a paired comparison: its path, body and any headers it needs; `target`: another gateway than the first argument's. */
export interface Endpoint {
  label: string;
  path: string;
  body: string;
  headers?: Record<string, string>;
  target?: Target;
}

/** Rounds and their length; the section's own (RESPONSES_ROUNDS, RESPONSES_DURATION) unless given. */
export interface Rounds {
  rounds?: number;
  duration?: number;
}

export interface Paired {
  base: { rps: number; cpuMsPerRequest: number };
  other: { rps: number; cpuMsPerRequest: number };
  /** `other`'s CPU per request over `base`'s, the median of the rounds' pairs. */
  cpuRatio: number;
  rpsRatio: number;
}

async function load(target: Target, endpoint: Endpoint, duration: number) {
  const result = await autocannon({
    url: `http://127.0.0.1:${target.port}${endpoint.path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers, ...endpoint.headers },
    body: endpoint.body,
    connections: CONNECTIONS,
    duration,
  });
  if (result.non2xx || result.errors) throw new Error(`${endpoint.path}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result;
}

/**
 * Two endpoints in alternating rounds (which goes first alternates too), of
 * one gateway or of two (an endpoint's `target`), CPU per request read
 * inside each gateway; printed as a table and the ratio `other / base`.
 */
export async function pairedRounds(gateway: Target, base: Endpoint, other: Endpoint, { rounds = ROUNDS, duration = DURATION }: Rounds = {}): Promise<Paired> {
  const endpoints = [base, other];
  const serving = (e: Endpoint) => e.target ?? gateway;
  for (const e of endpoints) await load(serving(e), e, WARMUP); // warm-up (see throughput.ts)
  const samples = endpoints.map(() => ({ rps: [] as number[], cpu: [] as number[] }));
  for (let round = 0; round < rounds; round++) {
    for (const i of round % 2 === 0 ? [0, 1] : [1, 0]) {
      const target = serving(endpoints[i]);
      const before = await usage(target);
      const result = await load(target, endpoints[i], duration);
      const after = await usage(target);
      samples[i].rps.push(result.requests.average);
      samples[i].cpu.push((after.cpuMs - before.cpuMs) / result.requests.total);
    }
  }
  const summary = (s: { rps: number[]; cpu: number[] }) => ({ rps: mean(s.rps), cpuMsPerRequest: mean(s.cpu) });
  const [b, o] = samples.map(summary);
  const pairs = samples[0].cpu.map((_, i) => i);
  const cpuRatios = pairs.map((i) => samples[1].cpu[i] / samples[0].cpu[i]);
  const cpuRatio = median(cpuRatios);
  const rpsRatio = median(pairs.map((i) => samples[1].rps[i] / samples[0].rps[i]));
  console.log(`${'endpoint'.padEnd(22)} ${'req/s'.padStart(7)} ${'CPU ms/req'.padStart(11)}`);
  for (const [e, r] of [[base, b], [other, o]] as const) {
    console.log(`${(base.target || other.target ? e.label : e.path).padEnd(22)} ${r.rps.toFixed(0).padStart(7)} ${r.cpuMsPerRequest.toFixed(3).padStart(11)}`);
  }
  console.log(`ratio ${other.label} / ${base.label} (median of the rounds' pairs): CPU per request ${cpuRatio.toFixed(3)}, req/s ${rpsRatio.toFixed(3)}`);
  console.log(`CPU ratio per pair: ${cpuRatios.map((r) => r.toFixed(2)).join(', ')}`);
  return { base: b, other: o, cpuRatio, rpsRatio };
}

export const ROUNDS_AND_DURATION = `${ROUNDS} rounds x ${DURATION} s each, ${CONNECTIONS} connections`;

export async function responses(gateway: Target): Promise<ResponsesResult> {
  console.log(`\n## /v1/responses against /v1/chat/completions: same gateway, same conversation, ${ROUNDS_AND_DURATION}, non-streaming`);
  const paired = await pairedRounds(
    gateway,
    { label: 'chat', path: '/v1/chat/completions', body: chatBody(false) },
    { label: 'responses', path: '/v1/responses', body: responsesBody(false) },
  );
  return { chat: paired.base, responses: paired.other, cpuRatio: paired.cpuRatio, rpsRatio: paired.rpsRatio };
}
