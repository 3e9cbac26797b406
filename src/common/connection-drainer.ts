import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';

/**
 * On shutdown, requests in flight (streams included) finish, but the
 * keep-alive connections they leave behind would hold `server.close()` open
 * for another keepAliveTimeout. They are closed as soon as they go idle.
 */
@Injectable()
export class ConnectionDrainer implements BeforeApplicationShutdown {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  beforeApplicationShutdown(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server?.listening) return;
    const sweep = setInterval(() => server.closeIdleConnections(), 50).unref();
    server.once('close', () => clearInterval(sweep));
  }
}
