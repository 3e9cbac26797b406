import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Credential } from '../auth/credential.js';

/**
 * Ready means this pod holds a usable credential. It never calls Anthropic:
 * an outage there would take every replica out of the Service at once. For
 * the Claude Code login it re-checks the file (a `stat` when unchanged), so
 * readiness follows renewals and expiry without a request having to come.
 */
@Injectable()
export class CredentialsHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly credential: Credential,
  ) {}

  async check(key = 'credentials') {
    const indicator = this.health.check(key);
    const { usable, ...details } = await this.credential.state();
    return usable ? indicator.up(details) : indicator.down(details);
  }
}
