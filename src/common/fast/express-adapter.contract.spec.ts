/**
 * The internals of Express and Nest that express-adapter.ts relies on, each
 * failing with its name and the fix when an upgrade moves it.
 */
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express, Request, Response } from 'express';
import { once } from 'node:events';
import { IncomingMessage, type Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Piece, reliesOn } from '../../../test/support/library-internal.js';
import { GatewayExpressAdapter } from './express-adapter.js';

const piece: Piece = { file: 'express-adapter.ts', plain: "Nest's ExpressAdapter itself, not a subclass" };

/** One request through an adapter's server: what the server built, and what the route saw. */
async function oneRequest(adapter: ExpressAdapter) {
  adapter.initHttpServer({});
  const app = adapter.getInstance<Express>();
  const server = adapter.getHttpServer() as Server;
  let built: { req?: IncomingMessage; res?: ServerResponse; bornOn?: object } = {};
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => (built = { req, res, bornOn: Object.getPrototypeOf(req) }));
  let seen: { req?: Request; res?: Response } = {};
  app.get('/x', (req: Request, res: Response) => {
    seen = { req, res };
    res.end('ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x`)).arrayBuffer();
  } finally {
    server.close();
  }
  return { app, server, built, seen };
}

it('Express re-parents each request and response onto app.request and app.response', async () => {
  const { app, built, seen } = await oneRequest(new ExpressAdapter());
  await reliesOn(
    piece,
    "Express's app.handle re-parents req and res with Object.setPrototypeOf(req, app.request) (express/lib/application.js)",
    () => built.bornOn === IncomingMessage.prototype && Object.getPrototypeOf(seen.req) === app.request && Object.getPrototypeOf(seen.res) === app.response,
  );
});

it("Express reads app.request and app.response when it handles a request, so replacing them takes effect", async () => {
  const { app, seen } = await oneRequest(new GatewayExpressAdapter());
  await reliesOn(
    piece,
    'app.request / app.response are plain, writable properties of an Express app, read per request',
    () => Object.getPrototypeOf(seen.req) === app.request && Object.getPrototypeOf(app.request) !== IncomingMessage.prototype && seen.req instanceof IncomingMessage,
  );
});

it('Nest makes its server through ExpressAdapter.initHttpServer and serves whatever that left in this.httpServer', async () => {
  @Module({})
  class Empty {}
  const adapter = new GatewayExpressAdapter();
  const nest = await NestFactory.create(Empty, adapter, { logger: false });
  await nest.listen(0, '127.0.0.1');
  const server = nest.getHttpServer() as Server;
  let bornOn: object | undefined;
  server.prependListener('request', (req: IncomingMessage) => (bornOn = Object.getPrototypeOf(req)));
  try {
    await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/none`)).arrayBuffer();
  } finally {
    await nest.close();
  }
  await reliesOn(
    piece,
    "NestFactory calls ExpressAdapter.initHttpServer(options) to make the HTTP server and serves the protected this.httpServer it sets",
    () => bornOn !== undefined && bornOn === adapter.getInstance<Express>().request,
  );
});
