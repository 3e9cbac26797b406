import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { connect, createServer } from 'node:net';

/** A loopback port nothing listens on: refused at once, where a fixed port might be filtered and hang. */
export async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Sends the headers and a first slice of a body that is never finished; resolves with the status if one comes. */
export function statusBeforeBody(url: string, headers: Record<string, string>): Promise<number> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: 'POST', path: '/v1/chat/completions', headers: { 'content-length': String(10 * 1024 * 1024), ...headers } },
      (res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      },
    );
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.write('['.repeat(1024));
  });
}

/**
 * POSTs a JSON body and reads the answer like a slow client: nothing is read
 * for `pauseMs`, then all of it. `resumedAt` is when reading began, for
 * checking that upstream was held back (back-pressure) until then.
 */
export function readAfterPause(url: string, path: string, body: string, pauseMs = 500): Promise<{ text: string; resumedAt: number }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path, headers: { 'content-type': 'application/json' } }, (res) => {
      res.pause();
      setTimeout(() => {
        const parts: string[] = [];
        res.setEncoding('utf8');
        res.on('data', (d: string) => parts.push(d));
        const resumedAt = Date.now();
        res.on('end', () => resolve({ text: parts.join(''), resumedAt }));
        res.resume();
      }, pauseMs);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The whole answer as received, to check that nothing sent was echoed. */
  raw: string;
  /** Whether the gateway closed the connection (rather than this side giving up after `waitMs`). */
  closed: boolean;
}

/**
 * Writes `bytes` to a fresh connection as they are (no HTTP client between
 * to tidy them up) and collects what comes back until the gateway closes the
 * connection or `waitMs` passes. `trickle`: after `bytes`, one more byte
 * every so often, as a slow client sends its body.
 */
export function rawExchange(url: string, bytes: string | Buffer, options: { waitMs?: number; trickleMs?: number } = {}): Promise<RawAnswer> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(bytes));
    const chunks: Buffer[] = [];
    let closed = false;
    const trickle = options.trickleMs ? setInterval(() => socket.writable && socket.write('x'), options.trickleMs) : undefined;
    const giveUp = setTimeout(() => socket.destroy(), options.waitMs ?? 10_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => (closed = true));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A reset after the answer is a close too (the gateway did not read what this side kept sending).
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') closed = true;
      else reject(error);
    });
    socket.on('close', () => {
      clearTimeout(giveUp);
      clearInterval(trickle);
      const raw = Buffer.concat(chunks).toString('latin1');
      const cut = raw.indexOf('\r\n\r\n');
      const head = cut < 0 ? raw : raw.slice(0, cut);
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers, body: cut < 0 ? '' : raw.slice(cut + 4), raw, closed });
    });
  });
}
