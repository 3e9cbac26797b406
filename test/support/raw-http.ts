import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';

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
