/**
 * Streaming: what each server adds per streamed event, how long a burst of
 * deltas takes to get through, and what 1,000 open streams cost in memory.
 * The stand-in (stand-in-server.ts) picks the stream's shape by model name.
 */
import { Agent, request } from 'node:http';
import { median, percentile, usage, type Server } from './processes.js';
import type { Target } from './servers.js';

const ROUNDS = Number(process.env.STREAM_ROUNDS ?? 3);
const OPEN_STREAMS = Number(process.env.OPEN_STREAMS ?? 1000);

/** Each server, and the stand-in read directly (its own path, and the version header the Messages API requires). */
export type Route = { name: string; port: number; path: string; headers: Record<string, string> };
export const ANTHROPIC_VERSION = { 'anthropic-version': '2023-06-01' };
export const direct = (standIn: Server): Route => ({ name: 'stand-in, direct', port: standIn.port, path: '/v1/messages', headers: ANTHROPIC_VERSION });
export const via = (t: Target): Route => ({ name: t.name, port: t.port, path: '/v1/chat/completions', headers: t.headers });

const streamBody = (model: string) => JSON.stringify({ model, max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'bench' }] });

/** Opens one stream; `onText` sees every piece of the body as it arrives. */
function open(route: Route, model: string, onText: (text: string) => void, agent?: Agent) {
  return new Promise<void>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: route.port, path: route.path, method: 'POST', agent, headers: { 'content-type': 'application/json', ...route.headers } },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`${route.name}: status ${res.statusCode}`));
        res.setEncoding('utf8');
        res.on('data', onText);
        res.on('end', resolve);
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(streamBody(model));
  });
}

/** Receive time minus stamped emit time for every delta of one `bench-stamped` stream. */
export async function delays(route: Route): Promise<number[]> {
  const out: number[] = [];
  let buffer = '';
  await open(route, 'bench-stamped', (text) => {
    const at = performance.timeOrigin + performance.now();
    buffer += text;
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const stamp = /@@(\d+\.\d+)@@/.exec(buffer.slice(0, cut));
      buffer = buffer.slice(cut + 2);
      if (stamp) out.push(at - Number(stamp[1]));
    }
  });
  return out;
}

async function burstMs(route: Route): Promise<number> {
  const start = performance.now();
  await open(route, 'bench-burst', () => undefined);
  return performance.now() - start;
}

/**
 * Holds OPEN_STREAMS streams open through one server at once (each has had
 * its first delta), reads the server's RSS, then hangs them all up.
 */
async function openStreamsRss(target: Target): Promise<{ idle: number; open: number }> {
  const idle = (await usage(target)).rss;
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const requests: Array<ReturnType<typeof request>> = [];
  const started: Array<Promise<void>> = [];
  for (let i = 0; i < OPEN_STREAMS; i++) {
    started.push(
      new Promise<void>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: target.port, path: '/v1/chat/completions', method: 'POST', agent, headers: { 'content-type': 'application/json', ...target.headers } },
          (res) => {
            res.setEncoding('utf8');
            res.on('data', (text: string) => text.includes('held') && resolve());
            res.on('error', () => undefined);
          },
        );
        req.on('error', (error) => (req.destroyed ? resolve() : reject(error)));
        req.end(streamBody('bench-hold'));
        requests.push(req);
      }),
    );
  }
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${target.name}: streams did not open within 60 s`)), 60_000).unref());
  await Promise.race([Promise.all(started), timeout]);
  const open = await usage(target);
  const rss = open.rss;
  if (process.env.BENCH_VERBOSE) {
    const mb = (n: number) => (n / 2 ** 20).toFixed(1);
    console.log(`  ${target.name}: rss ${mb(rss)} heapUsed ${mb(open.heapUsed)} heapTotal ${mb(open.heapTotal)} external ${mb(open.external)} MB`);
  }
  for (const req of requests) req.destroy();
  agent.destroy();
  // Let the server notice the hang-ups and release the upstream calls before the next one is measured.
  await new Promise((r) => setTimeout(r, 2000));
  return { idle, open: rss };
}

export interface StreamResult {
  target: Target;
  /** Why this server could not be measured (e.g. it cannot stream), if it could not. */
  failure?: string;
  addedP50: number;
  addedP99: number;
  burstMs: number;
  openRss: number;
}

export async function streams(standIn: Server, targets: Target[]): Promise<StreamResult[]> {
  // A server that cannot stream at all is reported as such and left out.
  const failures = new Map<Target, string>();
  for (const target of targets) await burstMs(via(target)).catch((error: Error) => failures.set(target, error.message));
  const routes = [direct(standIn), ...targets.filter((t) => !failures.has(t)).map(via)];
  const lat = new Map(routes.map((r) => [r, [] as number[]]));
  const burst = new Map(routes.map((r) => [r, [] as number[]]));
  for (const route of routes) await burstMs(route); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const route of routes) {
      lat.get(route)!.push(...(await delays(route)));
      burst.get(route)!.push(await burstMs(route));
    }
  }
  const d = lat.get(routes[0])!;
  console.log(`\n## Streaming: ${ROUNDS} rounds per server; latency over 200 deltas 5 ms apart; burst of 5,000 deltas; ${OPEN_STREAMS} open streams`);
  console.log(`${'route'.padEnd(20)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'added p50'.padStart(10)} ${'added p99'.padStart(10)} ${'burst ms'.padStart(9)} ${'idle RSS'.padStart(9)} ${'open RSS MB'.padStart(12)}`);
  const cols = (xs: number[]) => `${median(xs).toFixed(3).padStart(7)} ${percentile(xs, 99).toFixed(3).padStart(7)}`;
  console.log(`${routes[0].name.padEnd(20)} ${cols(d)} ${''.padStart(10)} ${''.padStart(10)} ${median(burst.get(routes[0])!).toFixed(0).padStart(9)}`);
  const results: StreamResult[] = [];
  for (const target of targets) {
    const failure = failures.get(target);
    if (failure) {
      results.push({ target, failure, addedP50: NaN, addedP99: NaN, burstMs: NaN, openRss: NaN });
      console.log(`${target.name.padEnd(20)} cannot stream: ${failure}`);
      continue;
    }
    const route = routes.find((r) => r.port === target.port)!;
    const xs = lat.get(route)!;
    const rss = await openStreamsRss(target);
    const r: StreamResult = {
      target,
      addedP50: median(xs) - median(d),
      addedP99: percentile(xs, 99) - percentile(d, 99),
      burstMs: median(burst.get(route)!),
      openRss: rss.open,
    };
    results.push(r);
    console.log(
      `${target.name.padEnd(20)} ${cols(xs)} ${r.addedP50.toFixed(3).padStart(10)} ${r.addedP99.toFixed(3).padStart(10)} ${r.burstMs.toFixed(0).padStart(9)} ${(rss.idle / 2 ** 20).toFixed(0).padStart(9)} ${(rss.open / 2 ** 20).toFixed(0).padStart(12)}`,
    );
  }
  return results;
}
