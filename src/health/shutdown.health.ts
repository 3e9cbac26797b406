import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ShutdownState } from '../common/graceful-shutdown.js';

/** Not ready once shutdown has begun, so load balancers stop routing here before the port closes. */
@Injectable()
export class ShutdownHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly state: ShutdownState,
  ) {}

  check(key = 'shutdown') {
    const indicator = this.health.check(key);
    return this.state.draining ? indicator.down({ reason: 'The gateway is shutting down (SIGTERM).' }) : indicator.up();
  }
}
