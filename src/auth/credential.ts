import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { rememberConfiguredSecret } from '../common/redaction/redact.js';
import { AppConfig } from '../config/app-config.js';
import type { CredentialEntry } from '../config/credential-pool-file.js';
import type { CredentialSource } from '../config/credential-source.js';
import { LoginCredential } from './login-credential.js';
import type { CredentialState, UpstreamCredential } from './upstream-auth.js';

/**
 * The credentials in use, as config decided at start-up: CREDENTIALS_FILE's
 * list, or the single credential of the variables (API key > OAuth token >
 * Claude Code login) as a list of one named `default`. How upstream
 * authenticates with each, and what the login's state is (readiness).
 */
@Injectable()
export class Credential implements OnModuleInit {
  private readonly logger = new Logger('Credentials');
  readonly source: CredentialSource;
  /** In order of preference. */
  readonly members: readonly UpstreamCredential[];

  constructor(
    config: AppConfig,
    private readonly login: LoginCredential,
  ) {
    this.source = config.credentialSource;
    this.members = config.credentials.list.map((entry) => upstreamCredential(entry, login));
  }

  async onModuleInit(): Promise<void> {
    if (this.source === 'credentials-file') {
      this.logger.log(`Using credential source: credentials-file (${this.members.map((m) => `${m.name}: ${m.kind}`).join(', ')})`);
    } else if (this.source !== 'claude-login') {
      this.logger.log(`Using credential source: ${this.source}`);
    } else {
      this.logger.log(`Using credential source: claude-login (${this.login.path})`);
    }
    if (this.members.some((member) => member.kind === 'claude-login')) await this.login.inspect();
  }

  /** The single-credential form of readiness (without CREDENTIALS_FILE). */
  async state(): Promise<CredentialState> {
    if (this.source !== 'claude-login') return { source: this.source, usable: true };
    return { source: this.source, ...(await this.login.state()) };
  }

  /** The Claude Code login's own state, for a credential of that kind. */
  loginState(): ReturnType<LoginCredential['state']> {
    return this.login.state();
  }
}

function upstreamCredential(entry: CredentialEntry, login: LoginCredential): UpstreamCredential {
  const { name } = entry;
  if (entry.kind !== 'claude-login') {
    const { secret } = entry;
    // Redacted by value wherever it could appear, whatever its shape (CREDENTIALS_FILE's secrets are no variable of ours).
    rememberConfiguredSecret(secret);
    return { kind: entry.kind, name, secret: async () => secret };
  }
  return { kind: 'claude-login', name, secret: () => login.token(), refused: (rejected) => login.rejected(rejected) };
}
