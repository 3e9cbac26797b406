import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import type { CredentialSource } from '../config/credential-source.js';
import { LoginCredential } from './login-credential.js';
import type { CredentialState, UpstreamCredential } from './upstream-auth.js';

/**
 * The credential in use, for the source config decided at start-up (API key
 * > OAuth token > Claude Code login): how upstream authenticates, and
 * whether this pod can serve requests (readiness).
 */
@Injectable()
export class Credential implements OnModuleInit {
  private readonly logger = new Logger('Credentials');
  readonly source: CredentialSource;
  readonly upstream: UpstreamCredential;

  constructor(
    config: AppConfig,
    private readonly login: LoginCredential,
  ) {
    this.source = config.credentialSource;
    this.upstream = upstreamCredential(config, login);
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

function upstreamCredential(config: AppConfig, login: LoginCredential): UpstreamCredential {
  const name = 'default';
  const apiKey = config.get('ANTHROPIC_API_KEY');
  if (apiKey) return { kind: 'api-key', name, secret: async () => apiKey };
  const token = config.oauthToken;
  if (token) return { kind: 'oauth-token', name, secret: async () => token };
  return { kind: 'claude-login', name, secret: () => login.token(), refused: (rejected) => login.rejected(rejected) };
}
