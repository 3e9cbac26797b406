import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { StateStore } from '../store/state-store.js';

/**
 * The shared store in readiness details, never in the verdict: with Redis
 * down only the requests that need stored state fail (503
 * `store_unavailable`), so taking every replica out of the Service would
 * turn a partial outage into a whole one. `state: degraded` says it.
 */
@Injectable()
export class StoreHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly store: StateStore,
  ) {}

  check(key = 'store') {
    const { store, state, detail } = this.store.health();
    return this.health.check(key).up(detail === undefined ? { store, state } : { store, state, detail });
  }
}
