import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Credential } from '../auth/credential.js';
import { CredentialPool } from '../auth/pool/credential-pool.js';

/**
 * Ready means this pod holds a usable credential. It never calls Anthropic:
 * an outage there would take every replica out of the Service at once. For
 * the Claude Code login it re-checks the file (a `stat` when unchanged), so
 * readiness follows renewals and expiry without a request having to come.
 * With CREDENTIALS_FILE: ready while any credential is usable, and the
 * details name each one's state (usable, resting until …, signed out) by
 * name, never by secret.
 */
@Injectable()
export class CredentialsHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly credential: Credential,
    private readonly pool: CredentialPool,
  ) {}

  async check(key = 'credentials') {
    const indicator = this.health.check(key);
    if (this.credential.source === 'credentials-file') {
      const states = await this.pool.states();
      const details = { source: this.credential.source, pool: Object.fromEntries(this.pool.members.map((m, i) => [m.name, states[i]])) };
      return states.some((s) => s.state === 'usable') ? indicator.up(details) : indicator.down(details);
    }
    const { usable, ...details } = await this.credential.state();
    return usable ? indicator.up(details) : indicator.down(details);
  }
}
