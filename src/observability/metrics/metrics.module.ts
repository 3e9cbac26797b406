import { Global, Module } from '@nestjs/common';
import { GatewayMetrics } from './gateway-metrics.js';

/**
 * The Prometheus registry. Global, and dependent on nothing but the
 * configuration, so every layer can record into it: the refresh service
 * (runs), the login credential (expiry), the request observer (the rest).
 */
@Global()
@Module({
  providers: [GatewayMetrics],
  exports: [GatewayMetrics],
})
export class MetricsModule {}
