import { type BeforeApplicationShutdown, Global, Injectable, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { AppConfig } from '../config/app-config.js';

/** Whether the process has begun to shut down; readiness reads it. */
@Injectable()
export class ShutdownState {
  draining = false;
}

interface SocketUse {
  inFlight: number;
  idleSince: number;
}

/**
 * A socket that has just finished a keep-alive response may already carry
 * the client's next request; closing it then resets that request. Sockets
 * are closed only once idle this long.
 */
const IDLE_BEFORE_CLOSE_MS = 250;

/**
 * SIGTERM as load balancers expect it:
 * 1. readiness answers 503 at once, and every response not yet under way
 *    says `Connection: close`, so no client sends another request on its
 *    socket;
 * 2. for SHUTDOWN_DELAY_MS the port stays open and new requests are served
 *    (a load balancer keeps routing here until it has seen the 503);
 * 3. then the port closes; requests in flight, streams included, finish;
 *    sockets left idle are closed once idle for a moment, so a request a
 *    client put on a keep-alive socket just before is answered, not reset.
 */
@Injectable()
export class GracefulShutdown implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  private readonly responses = new Set<ServerResponse>();
  private readonly sockets = new Map<Socket, SocketUse>();
  private readonly delayMs: number;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly state: ShutdownState,
    config: AppConfig,
  ) {
    this.delayMs = config.get('SHUTDOWN_DELAY_MS');
  }

  private get server(): Server | undefined {
    return this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
  }

  onApplicationBootstrap(): void {
    const server = this.server;
    if (!server) return;
    // Prepended, so they run before Express answers anything.
    server.prependListener('connection', (socket: Socket) => {
      this.sockets.set(socket, { inFlight: 0, idleSince: Date.now() });
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => this.track(req, res));
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server?.listening || this.state.draining) return;
    this.state.draining = true;
    for (const res of this.responses) if (!res.headersSent) res.setHeader('connection', 'close');
    this.logger.log(
      `Shutting down: readiness answers 503; the port closes in ${this.delayMs} ms; ${this.responses.size} request(s) in flight finish first`,
    );
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    // Node's close() would also close every idle socket at once, including
    // one just accepted whose request is still on its way: the sweep below
    // does that job, with the moment's grace.
    server.closeIdleConnections = () => undefined;
    const sweep = setInterval(() => this.closeIdleSockets(), 50);
    server.once('close', () => clearInterval(sweep));
  }

  private track(req: IncomingMessage, res: ServerResponse): void {
    const use = this.sockets.get(req.socket);
    if (use) use.inFlight++;
    this.responses.add(res);
    if (this.state.draining) res.setHeader('connection', 'close');
    // A response closes once (Node guards its 'close'): `on` spares the wrapper `once` keeps per open stream.
    res.on('close', () => {
      this.responses.delete(res);
      if (!use) return;
      use.inFlight--;
      use.idleSince = Date.now();
    });
  }

  private closeIdleSockets(): void {
    const now = Date.now();
    for (const [socket, use] of this.sockets) {
      if (use.inFlight === 0 && now - use.idleSince >= IDLE_BEFORE_CLOSE_MS) socket.destroy();
    }
  }
}

/** Global, so that readiness (health/) can read the state without a module cycle. */
@Global()
@Module({ providers: [ShutdownState, GracefulShutdown], exports: [ShutdownState] })
export class ShutdownModule {}
