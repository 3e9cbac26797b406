import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Request, Response } from 'express';
import { ClientKeyMiddleware } from '../auth/client-key.middleware.js';
import { toGatewayError } from '../common/errors/to-gateway-error.js';
import { AppConfig } from '../config/app-config.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';

/**
 * The metrics-only listener on METRICS_PORT: a bare `node:http` server that
 * answers `GET /metrics` and 404 to everything else, so a Kubernetes Service
 * for scraping can point here while the public one exposes only the API.
 * Same METRICS_AUTH rule as on the main port.
 */
@Injectable()
export class MetricsListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private server: Server | null = null;
  private readonly keys: ClientKeyMiddleware | null;

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly config: AppConfig,
    clientKeys: ClientKeyMiddleware,
  ) {
    this.keys = config.get('METRICS_AUTH') === 'client-keys' ? clientKeys : null;
  }

  /** The port actually bound (METRICS_PORT=0 picks a free one), or null when there is no listener. */
  get port(): number | null {
    return (this.server?.address() as AddressInfo | null)?.port ?? null;
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.get('METRICS_PORT');
    if (port === undefined || !this.metrics.enabled) return;
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, resolve);
    });
    this.server = server;
    new Logger('Metrics').log(`Metrics served on port ${this.port} (GET /metrics)`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const path = (req.url ?? '').split('?')[0];
      if (req.method !== 'GET' || path !== '/metrics') {
        return reply(res, 404, 'application/json', JSON.stringify({ error: { message: 'Not found', type: 'not_found_error', param: null, code: 'not_found' } }));
      }
      this.keys?.use(req as Request, res as unknown as Response, () => undefined);
      const { contentType, body } = await this.metrics.exposition();
      reply(res, 200, contentType, body);
    } catch (error) {
      const failure = toGatewayError(error);
      reply(res, failure.status, 'application/json', JSON.stringify(failure.toBody()));
    }
  }
}

function reply(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
