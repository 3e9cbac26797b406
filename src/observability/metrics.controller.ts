import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { GatewayError } from '../common/errors/gateway-error.js';
import { AppConfig } from '../config/app-config.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';

/**
 * `GET /metrics` on the main port, unless metrics are off or METRICS_PORT
 * moves them to a listener of their own (then this is a 404, so the public
 * Service does not expose them). Client keys, when METRICS_AUTH asks for
 * them, are checked by the ClientKeyMiddleware that ObservabilityModule applies.
 */
@Controller()
export class MetricsController {
  private readonly served: boolean;

  constructor(
    private readonly metrics: GatewayMetrics,
    config: AppConfig,
  ) {
    this.served = metrics.enabled && config.get('METRICS_PORT') === undefined;
  }

  @Get('metrics')
  async scrape(@Res() res: Response): Promise<void> {
    if (!this.served) {
      throw new GatewayError(404, 'Not found: metrics are off or served on METRICS_PORT.', { code: 'not_found' });
    }
    const { contentType, body } = await this.metrics.exposition();
    res.status(200).type(contentType).send(body);
  }
}
