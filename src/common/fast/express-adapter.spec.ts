import type { Express, Request, Response } from 'express';
import { once } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayExpressAdapter } from './express-adapter.js';

/** A plain-HTTP server from the adapter, with one Express route; what the server built, seen before Express. */
async function serve() {
  const adapter = new GatewayExpressAdapter();
  adapter.initHttpServer({});
  const app = adapter.getInstance<Express>();
  const server = adapter.getHttpServer() as Server;
  const built: Array<{ req: IncomingMessage; res: ServerResponse }> = [];
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => built.push({ req, res }));
  app.get('/x', (req: Request, res: Response) => {
    res.json({ same: req.app === app && res.req === req, path: req.path });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
  return { app, server, built, url };
}

it("builds requests and responses on Express's prototypes, so Express has none to change", async () => {
  const { app, server, built, url } = await serve();
  try {
    for (let i = 0; i < 2; i++) await (await fetch(url)).arrayBuffer();
    expect(built).toHaveLength(2);
    for (const { req, res } of built) {
      expect(Object.getPrototypeOf(req)).toBe(app.request);
      expect(Object.getPrototypeOf(res)).toBe(app.response);
    }
  } finally {
    server.close();
  }
});

it("keeps Express's request and response behaviour", async () => {
  const { server, url } = await serve();
  try {
    const res = await fetch(`${url}?q=1`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ same: true, path: '/x' });
  } finally {
    server.close();
  }
});
