import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PoolModule } from '../auth/pool/pool.module.js';
import { CredentialsHealthIndicator } from './credentials.health.js';
import { HealthController } from './health.controller.js';
import { ShutdownHealthIndicator } from './shutdown.health.js';
import { StoreHealthIndicator } from './store.health.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), PoolModule],
  controllers: [HealthController],
  providers: [CredentialsHealthIndicator, ShutdownHealthIndicator, StoreHealthIndicator],
})
export class HealthModule {}
