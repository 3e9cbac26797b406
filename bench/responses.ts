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

async function load(target: Target, path: string, body: string, duration: number) {
  const result = await autocannon({
    url: `http://127.0.0.1:${target.port}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    body,
    connections: CONNECTIONS,
    duration,
  });
  if (result.non2xx || result.errors) throw new Error(`${path}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result;
}

export async function responses(gateway: Target): Promise<ResponsesResult> {
  console.log(`\n## /v1/responses against /v1/chat/completions: same gateway, same conversation, ${ROUNDS} rounds x ${DURATION} s each, ${CONNECTIONS} connections, non-streaming`);
  const paths = [
    { name: 'chat' as const, path: '/v1/chat/completions', body: chatBody(false) },
    { name: 'responses' as const, path: '/v1/responses', body: responsesBody(false) },
  ];
  for (const p of paths) await load(gateway, p.path, p.body, WARMUP); // warm-up (see throughput.ts)
  const samples = { chat: { rps: [] as number[], cpu: [] as number[] }, responses: { rps: [] as number[], cpu: [] as number[] } };
  for (let round = 0; round < ROUNDS; round++) {
    for (const p of paths) {
      const before = await usage(gateway);
      const result = await load(gateway, p.path, p.body, DURATION);
      const after = await usage(gateway);
      samples[p.name].rps.push(result.requests.average);
      samples[p.name].cpu.push((after.cpuMs - before.cpuMs) / result.requests.total);
    }
  }
  const summary = (s: { rps: number[]; cpu: number[] }) => ({ rps: mean(s.rps), cpuMsPerRequest: mean(s.cpu) });
  const chat = summary(samples.chat);
  const resp = summary(samples.responses);
  const pairs = samples.chat.cpu.map((_, i) => i);
  const cpuRatios = pairs.map((i) => samples.responses.cpu[i] / samples.chat.cpu[i]);
  const cpuRatio = median(cpuRatios);
  const rpsRatio = median(pairs.map((i) => samples.responses.rps[i] / samples.chat.rps[i]));
  console.log(`${'endpoint'.padEnd(22)} ${'req/s'.padStart(7)} ${'CPU ms/req'.padStart(11)}`);
  console.log(`${'/v1/chat/completions'.padEnd(22)} ${chat.rps.toFixed(0).padStart(7)} ${chat.cpuMsPerRequest.toFixed(3).padStart(11)}`);
  console.log(`${'/v1/responses'.padEnd(22)} ${resp.rps.toFixed(0).padStart(7)} ${resp.cpuMsPerRequest.toFixed(3).padStart(11)}`);
  console.log(`ratio responses / chat (median of the rounds' pairs): CPU per request ${cpuRatio.toFixed(3)}, req/s ${rpsRatio.toFixed(3)}`);
  console.log(`CPU ratio per pair: ${cpuRatios.map((r) => r.toFixed(2)).join(', ')}`);
  return { chat, responses: resp, cpuRatio, rpsRatio };
}
