import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { CredentialProvider } from '../auth/credential-provider.js';

/**
 * Ready means this pod holds a usable credential. It never calls Anthropic:
 * an outage there would take every replica out of the Service at once.
 */
@Injectable()
export class CredentialsHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly credentials: CredentialProvider,
  ) {}

  check(key = 'credentials') {
    const indicator = this.health.check(key);
    const { usable, ...details } = this.credentials.state();
    return usable ? indicator.up(details) : indicator.down(details);
  }
}
