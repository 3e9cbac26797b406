/**
 * `npm run bench:memory`: what one 200 MiB streamed answer costs the
 * gateway in memory, on /v1/chat/completions (which holds nothing of it)
 * and on /v1/responses (which holds the answer for its closing events, up
 * to MAX_ASSEMBLED_BYTES, then ends with `response.failed`). Each row is a
 * fresh gateway process in front of the loopback stand-in, which makes the
 * answer as it is read; the client reads and drops it. The figure is the
 * gateway's peak RSS above its RSS before the request (read inside the
 * process, see probe.ts), with the event loop's worst stall while it ran.
 */
import { request } from 'node:http';
import { freePort, startServer, stopServer, usage, type Server } from './processes.js';

const KEY = 'sk-ant-api03-bench-0000000000';
const MB = 2 ** 20;

interface Row {
  path: string;
  body: string;
}

const ROWS: Row[] = [
  { path: '/v1/chat/completions', body: JSON.stringify({ model: 'bench-200mb', stream: true, messages: [{ role: 'user', content: 'bench' }] }) },
  { path: '/v1/responses', body: JSON.stringify({ model: 'bench-200mb', stream: true, input: 'bench' }) },
];

/** Streams the answer, counting what arrives, while /health/live is asked every 50 ms. */
async function streamOnce(port: number, row: Row): Promise<{ bytes: number; slowestLiveMs: number; ending: string }> {
  let running = true;
  let slowestLiveMs = 0;
  const watching = (async () => {
    while (running) {
      const started = performance.now();
      await fetch(`http://127.0.0.1:${port}/health/live`).then((r) => r.arrayBuffer());
      slowestLiveMs = Math.max(slowestLiveMs, performance.now() - started);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    return await new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: row.path, method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        let bytes = 0;
        let overlap = '';
        let ending = 'nothing it recognised';
        res.setEncoding('utf8');
        res.on('data', (text: string) => {
          bytes += text.length;
          // How the stream ended, seen as it passes (the last event's data can be megabytes long).
          const found = /event: response\.(completed|failed)|data: \[DONE\]/.exec(overlap + text);
          if (found) ending = found[0];
          overlap = text.slice(-64);
        });
        res.on('end', () => resolve({ bytes, slowestLiveMs, ending }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(row.body);
    });
  } finally {
    running = false;
    await watching;
  }
}

async function main() {
  const servers: Server[] = [];
  try {
    const upstreamPort = await freePort();
    servers.push(await startServer('stand-in', 'bench/stand-in-server.js', upstreamPort, {}));
    console.log('# one 200 MiB streamed answer: gateway peak RSS above its RSS before the request');
    for (const row of ROWS) {
      const port = await freePort();
      const gateway = await startServer('gateway', 'src/main.js', port, { ANTHROPIC_BASE_URL: `http://127.0.0.1:${upstreamPort}`, ANTHROPIC_API_KEY: KEY });
      servers.push(gateway);
      const before = await usage(gateway);
      const result = await streamOnce(port, row);
      const after = await usage(gateway);
      console.log(
        `${row.path.padEnd(22)} peak RSS +${((after.peakRss - before.rss) / MB).toFixed(1)} MB (from ${(before.rss / MB).toFixed(0)} MB); ` +
          `${(result.bytes / MB).toFixed(1)} MB sent to the client, ending ${result.ending}; slowest liveness ${result.slowestLiveMs.toFixed(0)} ms`,
      );
      await stopServer(gateway);
      servers.pop();
    }
  } finally {
    for (const server of servers.reverse()) await stopServer(server);
  }
}

await main();
