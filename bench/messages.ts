/**
 * The Anthropic door (`/v1/messages`), as a section of `npm run bench`, in
 * the same run as what it is held against:
 *
 * - CPU per request against the chat route's: the same gateway process, the
 *   same conversation sent to /v1/chat/completions and, in Anthropic's form,
 *   to /v1/messages, in alternating rounds (responses.ts's `pairedRounds`);
 *   a pass-through should cost well under a translation (target: ≤ 0.8×);
 * - added latency per streamed event against the bare translator's: 200
 *   stamped deltas 5 ms apart (streams.ts's `delays`), read from the
 *   stand-in directly, through the bare translator's chat route, and
 *   through the gateway's /v1/messages, round after round (target: no more
 *   than the bare translator's plus 0.05 ms).
 */
import { median } from './processes.js';
import { pairedRounds, ROUNDS_AND_DURATION, chatBody } from './responses.js';
import type { Server } from './processes.js';
import type { Target } from './servers.js';
import { ANTHROPIC_VERSION, delays, direct, type Route, via } from './streams.js';
import { conversation } from './throughput.js';

const ROUNDS = Number(process.env.STREAM_ROUNDS ?? 3);

/** The throughput section's conversation as a Messages API request, as an Anthropic SDK would send it. */
export const messagesBody = (stream: boolean) =>
  JSON.stringify({
    model: conversation.model,
    max_tokens: conversation.max_tokens,
    system: 'You are a concise assistant.',
    messages: [
      { role: 'user', content: 'Summarise the plot of Hamlet in two sentences.' },
      { role: 'assistant', content: 'Prince Hamlet seeks revenge for his father.' },
      { role: 'user', content: [{ type: 'text', text: 'Shorter, please.' }] },
    ],
    tools: [{ name: 'lookup', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }],
    stream,
  });

export interface MessagesResult {
  /** /v1/messages CPU per request over /v1/chat/completions' (≤ 0.8). */
  cpuRatio: number;
  /** Added p50 per streamed event through the gateway's /v1/messages, and through the bare translator's chat route. */
  addedP50: number;
  bareAddedP50: number;
}

export async function messages(standIn: Server, bare: Target, gateway: Target): Promise<MessagesResult> {
  console.log(`\n## /v1/messages against /v1/chat/completions: same gateway, same conversation, ${ROUNDS_AND_DURATION}, non-streaming`);
  const paired = await pairedRounds(
    gateway,
    { label: 'chat', path: '/v1/chat/completions', body: chatBody(false) },
    { label: 'messages', path: '/v1/messages', body: messagesBody(false), headers: ANTHROPIC_VERSION },
  );
  const routes: Route[] = [direct(standIn), via(bare), { name: 'gateway /v1/messages', port: gateway.port, path: '/v1/messages', headers: ANTHROPIC_VERSION }];
  const lat = routes.map(() => [] as number[]);
  for (const route of routes) await delays(route); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, route] of routes.entries()) lat[i].push(...(await delays(route)));
  }
  const [d, b, g] = lat.map(median);
  console.log(`\n## /v1/messages streamed: ${ROUNDS} rounds, latency over 200 deltas 5 ms apart`);
  console.log(`${'route'.padEnd(24)} ${'p50 ms'.padStart(7)} ${'added p50'.padStart(10)}`);
  for (const [i, route] of routes.entries()) {
    console.log(`${route.name.padEnd(24)} ${median(lat[i]).toFixed(3).padStart(7)} ${i === 0 ? '' : (median(lat[i]) - d).toFixed(3).padStart(10)}`);
  }
  return { cpuRatio: paired.cpuRatio, addedP50: g - d, bareAddedP50: b - d };
}
