import { Agent, request as httpRequest, type Server } from 'node:http';
import { AnthropicStandIn, streamSteps } from './support/anthropic-stand-in.js';
import { startGateway } from './support/gateway.js';

type Outcome =
  | { kind: 'ok'; id: string; connection: string | undefined; startedAt: number }
  /** The port was closed: the client takes the request elsewhere. */
  | { kind: 'refused' }
  | { kind: 'failed'; id: string; error: string; reusedSocket: boolean };

/**
 * One request on a keep-alive socket, as an SDK or a load balancer sends
 * them: `ok` only with the whole answer (`[DONE]` for a stream).
 */
function send(port: number, agent: Agent, id: string, stream: boolean): Promise<Outcome> {
  const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: id }], stream });
  const startedAt = Date.now();
  return new Promise((resolve) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, agent, method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json', 'x-test-id': id } },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('error', (error) => resolve({ kind: 'failed', id, error: String(error), reusedSocket: req.reusedSocket }));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString();
          const complete = res.statusCode === 200 && (stream ? text.endsWith('data: [DONE]\n\n') : text.includes('"chat.completion"'));
          resolve(
            complete
              ? { kind: 'ok', id, connection: res.headers.connection, startedAt }
              : { kind: 'failed', id, error: `${res.statusCode} ${text.slice(-200)}`, reusedSocket: req.reusedSocket },
          );
        });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'ECONNREFUSED' ? { kind: 'refused' } : { kind: 'failed', id, error: `${error.code} ${error.message}`, reusedSocket: req.reusedSocket }),
    );
    req.end(body);
  });
}

/**
 * 24 clients, each on one keep-alive socket sending its next request (streaming
 * and not, in turn) as soon as the last one ends, through what SIGTERM runs.
 * With `balancer`, they stand behind a load balancer that probes readiness
 * every 100 ms and stops routing on a 503; without, they keep sending until
 * the port refuses them.
 */
async function shutDownUnderLoad(balancer: boolean) {
  const standIn = await AnthropicStandIn.start();
  standIn.setDefault(() => ({ kind: 'sse', steps: streamSteps({ text: 'an answer in several pieces' }, { fragment: 4, gapMs: 3 }) }));
  const gw = await startGateway(standIn, { SHUTDOWN_DELAY_MS: '1500' });
  const port = Number(new URL(gw.url).port);
  // The requests the gateway's HTTP server took in.
  const accepted = new Set<string>();
  (gw.app.getHttpServer() as Server).on('request', (req) => accepted.add(String(req.headers['x-test-id'])));
  const outcomes: Outcome[] = [];
  let routing = true;
  let closingAt = Infinity;
  const readiness: number[] = [];
  const probe = (async () => {
    while (routing) {
      const status = await fetch(`${gw.url}/health/ready`).then((r) => r.status, () => 0);
      readiness.push(status);
      if (balancer && status !== 200) routing = false;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const workers = Array.from({ length: 24 }, async (_, w) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let n = 0; routing; n++) {
      const outcome = await send(port, agent, `w${w}-n${n}`, (w + n) % 2 === 0);
      outcomes.push(outcome);
      if (outcome.kind !== 'ok') break;
    }
    agent.destroy();
  });
  try {
    while (outcomes.length < 100) await new Promise((r) => setTimeout(r, 10));
    closingAt = Date.now();
    // What Nest's shutdown hook runs on SIGTERM.
    await gw.close();
    routing = false;
    await Promise.all([...workers, probe]);
  } finally {
    await standIn.close();
  }
  const failed = outcomes.filter((o): o is Extract<Outcome, { kind: 'failed' }> => o.kind === 'failed');
  const late = outcomes.filter((o): o is Extract<Outcome, { kind: 'ok' }> => o.kind === 'ok' && o.startedAt > closingAt + 50);
  return { outcomes, failed, accepted, late, readiness, refused: outcomes.filter((o) => o.kind === 'refused').length };
}

describe('shutdown under load', () => {
  it('behind a load balancer: readiness goes 503 at once and not one request fails', async () => {
    const run = await shutDownUnderLoad(true);
    expect(run.readiness).toContain(503);
    expect(run.failed).toEqual([]);
    expect(run.refused).toBe(0);
    // Requests that began once shutdown had begun were told to close their socket.
    expect(run.late.filter((o) => o.connection !== 'close')).toEqual([]);
    expect(run.outcomes.length).toBeGreaterThan(100);
  }, 60_000);

  it('clients that ignore readiness: no request is reset on a reused socket or once taken in; only new connections find the port closed', async () => {
    const run = await shutDownUnderLoad(false);
    expect(run.late.length).toBeGreaterThan(0);
    expect(run.late.filter((o) => o.connection !== 'close')).toEqual([]);
    expect(run.failed.filter((o) => o.reusedSocket || run.accepted.has(o.id))).toEqual([]);
    // The rest met the port as it closed (refused, or reset by the kernel before the gateway took the connection).
    expect(run.failed.every((o) => /ECONNRESET/.test(o.error))).toBe(true);
    console.log(`shutdown without a balancer: ${run.outcomes.length} requests, ${run.refused} refused, ${run.failed.length} reset on new connections at port close, 0 on reused sockets`);
  }, 60_000);
});
