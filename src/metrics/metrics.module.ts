import { Global, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { ClientKeyMiddleware } from '../auth/client-key.middleware.js';
import { AppConfig } from '../config/app-config.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsListener } from './metrics-listener.js';

/**
 * Prometheus metrics. Global: the request path, the refresh service and the
 * credential provider all record into the one GatewayMetrics, which depends
 * on nothing but the configuration.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [GatewayMetrics, MetricsListener],
  exports: [GatewayMetrics, MetricsListener],
})
export class MetricsModule implements NestModule {
  constructor(private readonly config: AppConfig) {}

  configure(consumer: MiddlewareConsumer): void {
    if (this.config.get('METRICS_AUTH') !== 'client-keys') return;
    consumer.apply(ClientKeyMiddleware).forRoutes({ path: 'metrics', method: RequestMethod.GET });
  }
}
