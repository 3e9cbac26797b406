import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { CredentialsHealthIndicator } from './credentials.health.js';
import { ShutdownHealthIndicator } from './shutdown.health.js';
import { StoreHealthIndicator } from './store.health.js';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly credentials: CredentialsHealthIndicator,
    private readonly shutdown: ShutdownHealthIndicator,
    private readonly store: StoreHealthIndicator,
  ) {}

  /** Liveness: the process answers. Depends on nothing, so a credential problem never restarts the pod. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /**
   * Readiness: a usable credential, and not shutting down. 503 with the
   * reason otherwise. The store's state is in the details only (store.health.ts).
   */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.shutdown.check(), () => this.credentials.check(), () => this.store.check()]);
  }

  /** Both, for humans and for the seed's probe URL. */
  @Get()
  @HealthCheck()
  all() {
    return this.health.check([() => this.shutdown.check(), () => this.credentials.check(), () => this.store.check()]);
  }
}
