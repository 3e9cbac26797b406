/**
 * The loopback Anthropic stand-in as a process of its own, for load tests.
 * By default it answers at once (zero latency), in the form asked for: JSON,
 * or an SSE stream when the request streams. A few model names select the
 * streaming shapes of the bench's stream section:
 *
 * - `bench-stamped`: text deltas at a steady pace, each carrying the clock at
 *   the moment it was written, so a reader can tell what each hop added;
 * - `bench-hold`: one delta, then silence (a ping a second) until the
 *   client leaves, to hold many streams open at once;
 * - `bench-burst`: thousands of deltas written as fast as possible;
 * - `bench-200mb`: 200 MiB of text in 64 KiB deltas, made as they are sent
 *   and paced by the reader (big-answers.ts).
 *
 * Any path answers, so the harness's readiness probe needs nothing special.
 */
import { AnthropicStandIn, messageReply, type Reply, type SseStep } from '../test/support/anthropic-stand-in.js';

export const STAMPED_CHUNKS = 200;
export const STAMPED_GAP_MS = 5;
export const BURST_CHUNKS = 5000;

const reply = messageReply(
  { text: 'The quick brown fox jumps over the lazy dog. '.repeat(8), usage: { input_tokens: 120, output_tokens: 80 } },
  { fragment: 40 },
);

const delta = (text: string): SseStep => ({
  event: 'content_block_delta',
  data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
});

/** A complete event stream around `middle`, as the real API frames it. */
function framed(model: string, middle: SseStep[]): Reply {
  return {
    kind: 'sse',
    steps: [
      {
        event: 'message_start',
        data: {
          type: 'message_start',
          message: { id: 'msg_bench', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } },
        },
      },
      { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
      ...middle,
      { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
      { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 1 } } },
      { event: 'message_stop', data: { type: 'message_stop' } },
    ],
  };
}

/** The wall clock in ms with sub-ms resolution; the reader compares it with its own. */
const now = () => (performance.timeOrigin + performance.now()).toFixed(3);

function stamped(): SseStep[] {
  const steps: SseStep[] = [];
  for (let i = 0; i < STAMPED_CHUNKS; i++) {
    steps.push({ wait: STAMPED_GAP_MS });
    // A getter, so the stamp is taken when the step is written, not when the list is built.
    steps.push({
      get raw() {
        return `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: `@@${now()}@@` } })}\n\n`;
      },
    });
  }
  return steps;
}

const held: SseStep[] = [delta('held'), ...Array.from({ length: 120 }, (): SseStep[] => [{ wait: 1000 }, { event: 'ping', data: { type: 'ping' } }]).flat()];
const burst: SseStep[] = Array.from({ length: BURST_CHUNKS }, (_, i) => delta(`d${i} `));

export const HUGE_DELTAS = 3200;
const HUGE_PIECE = 'y'.repeat(64 * 1024);

/** `bench-200mb`: the frame around 200 MiB of deltas, each made when the client has read the one before. */
function* huge(): Generator<SseStep> {
  // message_start and content_block_start, the deltas, then the block's and the message's ends.
  const frame = [...(framed('bench-200mb', []) as Extract<Reply, { kind: 'sse' }>).steps];
  yield* frame.slice(0, 2);
  for (let i = 0; i < HUGE_DELTAS; i++) yield delta(HUGE_PIECE);
  yield* frame.slice(2);
}

const standIn = await AnthropicStandIn.start(Number(process.env.PORT));
standIn.setDefault((req) => {
  // Under load the record of past requests would only grow.
  standIn.requests.length = 0;
  switch (req.body?.model) {
    case 'bench-stamped':
      return framed('bench-stamped', stamped());
    case 'bench-hold':
      return framed('bench-hold', held);
    case 'bench-burst':
      return framed('bench-burst', burst);
    case 'bench-200mb':
      return { kind: 'sse', steps: huge() };
    default:
      return reply(req);
  }
});
