import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ClientKeyMiddleware } from '../auth/client-key.middleware.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsListener } from './metrics-listener.js';
import { RequestObserver } from './request-observer.js';

/**
 * What operators see: the RequestObserver that `createApp` mounts in front
 * of every route (request ids, the request log line, its metrics and span),
 * and `GET /metrics`, on the main port or on METRICS_PORT.
 */
@Module({
  imports: [AuthModule],
  controllers: [MetricsController],
  providers: [RequestObserver, MetricsListener],
  exports: [RequestObserver, MetricsListener],
})
export class ObservabilityModule implements NestModule {
  constructor(private readonly config: AppConfig) {}

  configure(consumer: MiddlewareConsumer): void {
    // METRICS_AUTH=client-keys: /metrics asks for a client key, as /v1 does.
    if (this.config.get('METRICS_AUTH') !== 'client-keys') return;
    consumer.apply(ClientKeyMiddleware).forRoutes({ path: 'metrics', method: RequestMethod.GET });
  }
}
