import { streamSteps, type SseStep } from './support/anthropic-stand-in.js';
import { waitFor } from './support/claude-home.js';
import { useGateway } from './support/lifecycle.js';
import { readAfterPause } from './support/raw-http.js';

/** The Responses stream shares the chat stream's writer and upstream port: the same lifecycle guarantees. */
// MAX_ASSEMBLED_BYTES above the 30 MB answer of the back-pressure test: a Responses stream holds its answer up to the cap.
const ctx = useGateway({ STREAM_HEARTBEAT_SECONDS: '1', MAX_ASSEMBLED_BYTES: String(64 * 2 ** 20) });
const MODEL = 'claude-sonnet-5-5';

async function rawStream(body: object = {}, url = ctx.gw.url): Promise<string> {
  const res = await fetch(`${url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, input: 'Hi', stream: true, ...body }),
  });
  return res.text();
}

/** `event:` name and parsed `data:` of each SSE event; comments left out. */
const events = (text: string) =>
  text
    .split('\n\n')
    .filter((e) => e.startsWith('event: '))
    .map((e) => {
      const [name, data] = e.split('\n');
      return { name: name.slice(7), data: JSON.parse(data.slice(6)) };
    });

describe('/v1/responses streaming lifecycle', () => {
  it('a client that goes away closes the upstream connection long before upstream would finish', async () => {
    ctx.standIn.reply({ kind: 'sse', steps: streamSteps({ text: 'x'.repeat(400) }, { fragment: 1, gapMs: 20 }) });
    const stream = ctx.gw.openai.responses.stream({ model: MODEL, input: 'Hi' });
    let deltas = 0;
    let abortedAt = 0;
    await (async () => {
      for await (const event of stream) {
        if (event.type === 'response.output_text.delta' && ++deltas === 5) {
          abortedAt = Date.now();
          stream.abort();
        }
      }
    })().catch(() => undefined);
    const upstream = ctx.standIn.last;
    // Upstream has some 8 s still to send: a close within 3 s is the abort's doing, with
    // room for a busy machine, as for chat completions (a 1 s bound was not).
    await waitFor(() => upstream.closedAt !== undefined, 'upstream to see the hang-up', 3000).catch(() => undefined);
    expect(upstream.closedEarly).toBe(true);
    expect(upstream.closedAt! - abortedAt).toBeLessThan(3000);
  }, 20_000);

  it('sends SSE comment heartbeats during long silences and still completes', async () => {
    const steps = streamSteps({ text: 'slow' });
    // Three and a half heartbeat periods of silence: a timer late by a whole period on a busy machine still fires.
    ctx.standIn.reply({ kind: 'sse', steps: [...steps.slice(0, 2), { wait: 3500 }, ...steps.slice(2)] });
    const text = await rawStream();
    expect(text).toContain(': keep-alive\n\n');
    expect(events(text).at(-1)?.name).toBe('response.completed');
  }, 20_000);

  it('a connection broken mid-stream fails in-band, and the failed response is not stored', async () => {
    const steps: SseStep[] = [...streamSteps({ text: 'partial answer' }).slice(0, 5), { destroy: true }];
    ctx.standIn.reply({ kind: 'sse', steps });
    const list = events(await rawStream());
    expect(list.at(-2)?.data).toMatchObject({ type: 'error', code: 'upstream_connection_broken' });
    const id = list[0].data.response.id as string;
    const stored = await fetch(`${ctx.gw.url}/v1/responses/${id}`);
    expect(stored.status).toBe(404);
  }, 20_000);

  it('honours back-pressure: while the client does not read, upstream is not drained either', async () => {
    // 30 MB in 300 events rather than 1,500, as for chat completions: per-event work is what costs time on a busy machine.
    const piece = 'y'.repeat(100_000);
    ctx.standIn.reply({ kind: 'sse', steps: streamSteps({ text: piece.repeat(300) }, { fragment: 100_000 }) });
    const body = JSON.stringify({ model: MODEL, input: 'x', stream: true, store: false });
    const { text, resumedAt } = await readAfterPause(ctx.gw.url, '/v1/responses', body);
    expect(ctx.standIn.last.finishedAt).toBeGreaterThanOrEqual(resumedAt);
    expect(events(text).at(-1)?.name).toBe('response.completed');
  }, 60_000);
});

describe('/v1/responses and UPSTREAM_TIMEOUT_MS', () => {
  // Its own gateway: a short silence limit would also cut the slow-reader test above.
  const quick = useGateway({ UPSTREAM_TIMEOUT_MS: '1000' });

  it('an upstream silent for UPSTREAM_TIMEOUT_MS ends the stream with error and response.failed (504 upstream_timeout)', async () => {
    const steps = streamSteps({ text: 'stalls' });
    quick.standIn.reply({ kind: 'sse', steps: [...steps.slice(0, 4), { wait: 2500 }, ...steps.slice(4)] });
    const list = events(await rawStream({}, quick.gw.url));
    const [error, failed] = list.slice(-2);
    expect(error).toMatchObject({ name: 'error', data: { type: 'error', code: 'upstream_timeout', error: { type: 'timeout' } } });
    expect(failed).toMatchObject({ name: 'response.failed', data: { response: { status: 'failed', error: { code: 'upstream_timeout' } } } });
    expect(list.map((e) => e.data.sequence_number)).toEqual(list.map((_, i) => i));
    expect(list.map((e) => e.name)).not.toContain('response.completed');
  }, 20_000);
});
