/**
 * Added latency per streamed chunk: the stand-in emits text deltas at known
 * times; a raw HTTP client reads them once straight from the stand-in and
 * once through the gateway. The difference of the two medians is what the
 * gateway adds (parse, map, serialise, write) per chunk.
 *
 *   npm run bench:latency
 */
import { request } from 'node:http';
import { AnthropicStandIn, type SseStep } from '../test/support/anthropic-stand-in.js';
import { freePort, median, percentile, startProcess, stopProcess } from './processes.js';

const CHUNKS = Number(process.env.CHUNKS ?? 300);
const GAP_MS = Number(process.env.GAP_MS ?? 5);
const ROUNDS = Number(process.env.ROUNDS ?? 5);

/** Each delta carries its own emission time, so the reader needs no shared clock table. */
function timedSteps(): SseStep[] {
  const steps: SseStep[] = [];
  const emit = (event: string, data: unknown) => steps.push({ event, data });
  emit('message_start', {
    type: 'message_start',
    message: { id: 'msg_bench', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } },
  });
  emit('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
  for (let i = 0; i < CHUNKS; i++) {
    steps.push({ wait: GAP_MS });
    // Replaced at send time with the real clock (see `stamp` below).
    steps.push({ raw: 'STAMP' });
  }
  emit('content_block_stop', { type: 'content_block_stop', index: 0 });
  emit('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: CHUNKS } });
  emit('message_stop', { type: 'message_stop' });
  return steps;
}

/** Reads an SSE response and returns receive-time minus emit-time for every stamped delta. */
function readDelays(port: number, path: string, body: object, headers: Record<string, string>): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const delays: number[] = [];
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (data: string) => {
        const now = performance.timeOrigin + performance.now();
        buffer += data;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const stamp = /@@(\d+\.\d+)@@/.exec(event);
          if (stamp) delays.push(now - Number(stamp[1]));
        }
      });
      res.on('end', () => resolve(delays));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function main() {
  const standIn = await AnthropicStandIn.start();
  // Stamp each delta with the clock at the moment it is written.
  const original = timedSteps();
  standIn.setDefault(() => ({
    kind: 'sse',
    steps: original.map((step) =>
      'raw' in step && step.raw === 'STAMP'
        ? {
            get raw() {
              const at = (performance.timeOrigin + performance.now()).toFixed(3);
              return `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: `@@${at}@@` } })}\n\n`;
            },
          }
        : step,
    ),
  }));
  const port = await freePort();
  const gateway = await startProcess('src/main.js', port, { ANTHROPIC_BASE_URL: standIn.url, ANTHROPIC_API_KEY: 'sk-ant-api03-bench-0000000000' });
  const { port: upstreamPort } = new URL(standIn.url);
  const body = { model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: 'bench' }], stream: true, max_tokens: 100 };

  const direct: number[] = [];
  const proxied: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      direct.push(...(await readDelays(Number(upstreamPort), '/v1/messages', body, {})));
      proxied.push(...(await readDelays(port, '/v1/chat/completions', body, {})));
    }
  } finally {
    await stopProcess(gateway);
    await standIn.close();
  }
  const row = (name: string, xs: number[]) =>
    `${name.padEnd(26)} n=${xs.length}  p50=${median(xs).toFixed(3)} ms  p90=${percentile(xs, 90).toFixed(3)} ms  p99=${percentile(xs, 99).toFixed(3)} ms`;
  console.log(`stream latency: ${ROUNDS} rounds x ${CHUNKS} chunks, ${GAP_MS} ms apart`);
  console.log(row('stand-in → client', direct));
  console.log(row('stand-in → gateway → client', proxied));
  console.log(`added by the gateway per chunk: p50 ${(median(proxied) - median(direct)).toFixed(3)} ms, p99 ${(percentile(proxied, 99) - percentile(direct, 99)).toFixed(3)} ms`);
}

await main();
