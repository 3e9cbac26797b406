import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import type { CredentialSource } from '../config/credential-source.js';
import { LoginCredential } from './login-credential.js';
import type { CredentialState, UpstreamAuth } from './upstream-auth.js';

/**
 * The credential in use, for the source config decided at start-up (API key
 * > OAuth token > Claude Code login): how upstream authenticates, and
 * whether this pod can serve requests (readiness).
 */
@Injectable()
export class Credential implements OnModuleInit {
  private readonly logger = new Logger('Credentials');
  readonly source: CredentialSource;
  readonly auth: UpstreamAuth;

  constructor(
    config: AppConfig,
    private readonly login: LoginCredential,
  ) {
    this.source = config.credentialSource;
    this.auth = authFor(config, login);
  }

  async onModuleInit(): Promise<void> {
    if (this.source !== 'claude-login') {
      this.logger.log(`Using credential source: ${this.source}`);
      return;
    }
    this.logger.log(`Using credential source: claude-login (${this.login.path})`);
    await this.login.inspect();
  }

  async state(): Promise<CredentialState> {
    if (this.source !== 'claude-login') return { source: this.source, usable: true };
    return { source: this.source, ...(await this.login.state()) };
  }
}

function authFor(config: AppConfig, login: LoginCredential): UpstreamAuth {
  const apiKey = config.get('ANTHROPIC_API_KEY');
  if (apiKey) return { kind: 'api-key', apiKey };
  const token = config.oauthToken;
  // A fixed token never expires as far as we know; it is still a bearer
  // token, so it gets the OAuth beta header.
  if (token) return { kind: 'bearer', token: async () => ({ token, expiresAt: null }), retryRejected: false };
  return {
    kind: 'bearer',
    token: () => login.token(),
    onRejected: (rejected) => login.rejected(rejected),
    retryRejected: true,
  };
}
