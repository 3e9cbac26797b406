import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PoolModule } from '../pool/pool.module.js';
import { CredentialsHealthIndicator } from './credentials.health.js';
import { HealthController } from './health.controller.js';
import { ShutdownHealthIndicator } from './shutdown.health.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), PoolModule],
  controllers: [HealthController],
  providers: [CredentialsHealthIndicator, ShutdownHealthIndicator],
})
export class HealthModule {}
