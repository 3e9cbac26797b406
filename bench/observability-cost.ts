/**
 * What metrics and logging cost: two gateways in their own processes in
 * front of the same loopback stand-in, identical except that one records
 * Prometheus metrics and writes its JSON request line for every request
 * (METRICS_ENABLED=true, LOG_LEVEL=log) while the other does neither
 * (METRICS_ENABLED=false, LOG_LEVEL=warn). autocannon loads them in
 * alternating rounds within one run, and /metrics is scraped during each
 * round of the gateway that has them, as Prometheus would. The target is a
 * ratio of at least 0.95 (under 5 % of throughput).
 *
 *   npm run bench:observability   (DURATION=3 ROUNDS=6 CONNECTIONS=20 by default; part of npm run bench)
 */
import autocannon from 'autocannon';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { observerMicroseconds, scrapeMicroseconds } from './observer-cost.js';
import { freePort, median, type Server, startServer, stopServer } from './processes.js';

const DURATION = Number(process.env.DURATION ?? 3);
const ROUNDS = Number(process.env.ROUNDS ?? 6);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 20);

const body = JSON.stringify({
  model: 'claude-sonnet-5-5',
  max_tokens: 512,
  messages: [
    { role: 'system', content: 'You are a concise assistant.' },
    { role: 'user', content: 'Summarise the plot of Hamlet in two sentences.' },
  ],
});

/** CPU seconds a process has used so far (user + system, from /proc: Linux only), or NaN elsewhere. */
function cpuSeconds(child: ChildProcess): number {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime, fields 14 and 15 of the whole line, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

interface Round {
  rps: number;
  /** Gateway CPU per answered request, in microseconds. */
  cpuPerRequestUs: number;
}

async function load(port: number, scrape: boolean, child: ChildProcess): Promise<Round> {
  const cpuBefore = cpuSeconds(child);
  // A scrape every second during the round, as a (busy) Prometheus would.
  const scraper = scrape
    ? setInterval(() => void fetch(`http://127.0.0.1:${port}/metrics`).then((res) => res.arrayBuffer()), 1000)
    : undefined;
  try {
    const result = await autocannon({
      url: `http://127.0.0.1:${port}/v1/chat/completions`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      connections: CONNECTIONS,
      duration: DURATION,
    });
    if (result.non2xx || result.errors) throw new Error(`port ${port}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    return { rps: result.requests.average, cpuPerRequestUs: ((cpuSeconds(child) - cpuBefore) * 1e6) / result.requests.total };
  } finally {
    clearInterval(scraper);
  }
}

async function main() {
  const servers: Server[] = [];
  // The child processes only: these two gateways are compared with each other, not probed.
  const start = async (name: string, script: string, port: number, env: Record<string, string>, readyPath?: string) => {
    const server = await startServer(name, script, port, env, { readyPath });
    servers.push(server);
    return server.child;
  };
  try {
    const upstreamPort = await freePort();
    await start('stand-in', 'bench/stand-in-server.js', upstreamPort, {}, '/');
    const common = {
      ANTHROPIC_BASE_URL: `http://127.0.0.1:${upstreamPort}`,
      ANTHROPIC_API_KEY: 'sk-ant-api03-bench-0000000000',
      NODE_ENV: 'production',
      LOG_FORMAT: 'json',
    };
    const onPort = await freePort();
    const offPort = await freePort();
    const onChild = await start('metrics on', 'src/main.js', onPort, { ...common, METRICS_ENABLED: 'true', LOG_LEVEL: 'log' });
    const offChild = await start('metrics off', 'src/main.js', offPort, { ...common, METRICS_ENABLED: 'false', LOG_LEVEL: 'warn' });

    for (const port of [offPort, onPort]) {
      await autocannon({ url: `http://127.0.0.1:${port}/v1/chat/completions`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: CONNECTIONS, duration: 1 });
    }

    const on: Round[] = [];
    const off: Round[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which goes first, so a slow moment of the shared machine does not always hit the same one.
      const offFirst = round % 2 === 0;
      if (offFirst) off.push(await load(offPort, false, offChild));
      on.push(await load(onPort, true, onChild));
      if (!offFirst) off.push(await load(offPort, false, offChild));
    }
    const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;
    // Each round pairs the two back to back; the median of the pairs' ratios shrugs off a round the
    // shared machine slowed down, which the ratio of the means would not.
    const throughputRatio = median(on.map((x, i) => x.rps / off[i].rps));
    // CPU per request is what throughput is made of once the gateway is CPU-bound, and it barely
    // moves when other processes take the cores: the steadier measure on a shared machine.
    const cpuOn = median(on.map((x) => x.cpuPerRequestUs));
    const cpuOff = median(off.map((x) => x.cpuPerRequestUs));
    const cpuRatio = cpuOff / cpuOn;
    const rounds = (xs: Round[]) => xs.map((x) => x.rps.toFixed(0)).join(', ');
    console.log(`observability cost: ${ROUNDS} rounds x ${DURATION} s, ${CONNECTIONS} connections, non-streaming`);
    console.log(`metrics and request logs off  ${mean(off.map((x) => x.rps)).toFixed(0)} req/s (rounds: ${rounds(off)}), ${cpuOff.toFixed(0)} µs CPU per request`);
    console.log(`metrics and request logs on   ${mean(on.map((x) => x.rps)).toFixed(0)} req/s (rounds: ${rounds(on)}), ${cpuOn.toFixed(0)} µs CPU per request`);
    console.log(`throughput ratio on / off     ${throughputRatio.toFixed(3)} (median of the rounds' pairs)`);
    console.log(`CPU ratio off / on            ${cpuRatio.toFixed(3)} (end to end; on this shared machine ±10 % between identical runs)`);

    // The steady figure: the observer's own work per request, on and off, measured in this process,
    // against the CPU one request costs the gateway.
    const observerOn = await observerMicroseconds(true);
    const observerOff = await observerMicroseconds(false);
    // A scrape a second (as above, far more often than Prometheus's usual 15-60 s), spread over the requests of that second.
    const scrape = await scrapeMicroseconds();
    const rps = mean(off.map((x) => x.rps));
    const added = observerOn - observerOff + scrape / rps;
    const cost = added / (cpuOff + added);
    console.log(`observer work per request     on ${observerOn.toFixed(1)} µs, off ${observerOff.toFixed(1)} µs; a scrape ${(scrape / 1000).toFixed(2)} ms, ${(scrape / rps).toFixed(1)} µs per request at one a second`);
    console.log(`ratio on / off                ${(1 - cost).toFixed(3)} (cost ${(cost * 100).toFixed(1)} % of throughput at saturation; target under 5 %)`);
  } finally {
    for (const server of servers.reverse()) await stopServer(server);
  }
}

await main();
