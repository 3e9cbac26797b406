import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { rememberConfiguredSecret } from '../common/redaction/redact.js';
import { AppConfig } from '../config/app-config.js';
import type { CredentialEntry } from '../config/credential-pool-file.js';
import type { CredentialSource } from '../config/credential-source.js';
import { GatewayMetrics } from '../observability/metrics/gateway-metrics.js';
import { type SdkCredential, sdkCredentialFrom } from './sdk-credential/sdk-credential.js';
import { LoginCredential } from './login-credential.js';
import type { CredentialState, UpstreamCredential } from './upstream-auth.js';

/**
 * The credentials in use, as config decided at start-up: CREDENTIALS_FILE's
 * list, or the single credential of the variables (API key > OAuth token >
 * SDK profile > workload identity > Claude Code login) as a list of one
 * named `default`. How upstream authenticates with each, and what the
 * login's or an SDK credential's state is (readiness).
 */
@Injectable()
export class Credential implements OnModuleInit {
  private readonly logger = new Logger('Credentials');
  readonly source: CredentialSource;
  /** In order of preference. */
  readonly members: readonly UpstreamCredential[];
  /** The credentials whose tokens the SDK's own chain obtains (profile, workload identity), by name. */
  private readonly sdk = new Map<string, SdkCredential>();

  constructor(
    config: AppConfig,
    private readonly login: LoginCredential,
    metrics: GatewayMetrics,
  ) {
    this.source = config.credentialSource;
    const baseURL = config.get('ANTHROPIC_BASE_URL');
    this.members = config.credentials.list.map((entry) => {
      if (entry.kind !== 'sdk') return upstreamCredential(entry, login);
      const sdk = sdkCredentialFrom(entry.fields, { baseURL, name: entry.name, observer: metrics });
      this.sdk.set(entry.name, sdk);
      return sdk.upstream;
    });
  }

  async onModuleInit(): Promise<void> {
    const sdk = [...this.sdk.values()];
    if (this.source === 'credentials-file') {
      this.logger.log(`Using credential source: credentials-file (${this.members.map((m) => `${m.name}: ${m.kind}`).join(', ')})`);
    } else if (sdk.length > 0) {
      this.logger.log(`Using credential source: ${this.source} (${sdk[0].description})`);
    } else if (this.source !== 'claude-login') {
      this.logger.log(`Using credential source: ${this.source}`);
    } else {
      this.logger.log(`Using credential source: claude-login (${this.login.path})`);
    }
    if (this.members.some((member) => member.kind === 'claude-login')) await this.login.inspect();
    // The first exchange of each, so a broken setup shows in the first log lines.
    await Promise.all(sdk.map((credential) => credential.start()));
  }

  /** The single-credential form of readiness (without CREDENTIALS_FILE). */
  async state(): Promise<CredentialState> {
    const [member] = this.members;
    if (member?.kind === 'sdk') return { source: this.source, ...(await member.state()) };
    if (this.source !== 'claude-login') return { source: this.source, usable: true };
    return { source: this.source, ...(await this.login.state()) };
  }

  /** The Claude Code login's own state, for a credential of that kind. */
  loginState(): ReturnType<LoginCredential['state']> {
    return this.login.state();
  }
}

function upstreamCredential(entry: Exclude<CredentialEntry, { kind: 'sdk' }>, login: LoginCredential): UpstreamCredential {
  const { name } = entry;
  if (entry.kind !== 'claude-login') {
    const { secret } = entry;
    // Redacted by value wherever it could appear, whatever its shape (CREDENTIALS_FILE's secrets are no variable of ours).
    rememberConfiguredSecret(secret);
    return { kind: entry.kind, name, fixed: () => secret };
  }
  return { kind: 'claude-login', name, secret: () => login.token(), refused: (rejected) => login.rejected(rejected) };
}
