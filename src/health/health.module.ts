import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AuthModule } from '../auth/auth.module.js';
import { CredentialsHealthIndicator } from './credentials.health.js';
import { HealthController } from './health.controller.js';
import { ShutdownHealthIndicator } from './shutdown.health.js';
import { StoreHealthIndicator } from './store.health.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), AuthModule],
  controllers: [HealthController],
  providers: [CredentialsHealthIndicator, ShutdownHealthIndicator, StoreHealthIndicator],
})
export class HealthModule {}
