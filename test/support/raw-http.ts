import { request as httpRequest } from 'node:http';

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
