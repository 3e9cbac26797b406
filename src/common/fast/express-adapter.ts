import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';

/**
 * Nest's Express adapter, with the HTTP server building each request and
 * response on Express's own prototypes from the start.
 *
 * Express re-parents every request and response it handles
 * (`Object.setPrototypeOf(req, app.request)`). V8 then gives the object a
 * hidden class of its own, shared with no other object, and copies it again
 * for every property added later: each request and response carried its own
 * shape (with the copies, several KB a request, promoted to the old
 * generation while upstream is awaited and held for as long as a stream
 * stays open), and every access to them through Node's and Express's code
 * met a new shape. Born with those prototypes, they share their shapes, and
 * Express's re-parenting finds nothing to change. What this relies on in
 * Express and Nest: express-adapter.contract.spec.ts.
 */
export class GatewayExpressAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    // HTTPS and the connection-tracking options stay Nest's own; the gateway uses none of them.
    if (options.httpsOptions || options.forceCloseConnections || options.return503OnClosing) {
      super.initHttpServer(options);
      return;
    }
    const app = this.getInstance<Express>();
    // Subclasses rather than functions calling Node's constructors: V8 sizes a
    // subclass's objects from its base (fields in the object, not in a dictionary).
    const Request = class extends IncomingMessage {};
    const Response = class extends ServerResponse {};
    // Express's prototypes stay in the chain, one step up: what Express and its
    // sub-applications read from them (req.app, res.json, ...) is unchanged.
    Object.setPrototypeOf(Request.prototype, app.request);
    Object.setPrototypeOf(Response.prototype, app.response);
    app.request = Request.prototype as Express['request'];
    app.response = Response.prototype as unknown as Express['response'];
    // Request timeouts (set by ConnectionGuard) are checked this often; Node's 30 s would let each run half a minute over.
    this.httpServer = createServer({ IncomingMessage: Request, ServerResponse: Response, connectionsCheckingInterval: 1000 }, app);
  }
}
