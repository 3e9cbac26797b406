import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import type { CredentialSource } from '../config/credential-source.js';
import { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { type SdkCredential, sdkCredentialFrom } from '../sdk-credential/sdk-credential.js';
import { fieldsFromEnvironment } from '../sdk-credential/sdk-credential-fields.js';
import { LoginCredential } from './login-credential.js';
import type { CredentialState, UpstreamAuth } from './upstream-auth.js';

/**
 * The credential in use, for the source config decided at start-up (API key
 * > OAuth token > SDK profile > workload identity > Claude Code login): how
 * upstream authenticates, and whether this pod can serve requests (readiness).
 */
@Injectable()
export class Credential implements OnModuleInit {
  private readonly logger = new Logger('Credentials');
  readonly source: CredentialSource;
  readonly auth: UpstreamAuth;
  /** The credential the SDK's own chain serves (profile, workload identity); null for the other sources. */
  private readonly sdk: SdkCredential | null;

  constructor(
    config: AppConfig,
    private readonly login: LoginCredential,
    metrics: GatewayMetrics,
  ) {
    this.source = config.credentialSource;
    this.sdk = sdkCredentialFor(config, metrics);
    this.auth = this.sdk?.auth ?? authFor(config, login);
  }

  async onModuleInit(): Promise<void> {
    if (this.sdk) {
      this.logger.log(`Using credential source: ${this.source} (${this.sdk.description})`);
      await this.sdk.start();
      return;
    }
    if (this.source !== 'claude-login') {
      this.logger.log(`Using credential source: ${this.source}`);
      return;
    }
    this.logger.log(`Using credential source: claude-login (${this.login.path})`);
    await this.login.inspect();
  }

  async state(): Promise<CredentialState> {
    if (this.sdk) return { source: this.source, ...(await this.sdk.state()) };
    if (this.source !== 'claude-login') return { source: this.source, usable: true };
    return { source: this.source, ...(await this.login.state()) };
  }
}

function sdkCredentialFor(config: AppConfig, metrics: GatewayMetrics): SdkCredential | null {
  if (config.credentialSource !== 'sdk-profile' && config.credentialSource !== 'workload-identity') return null;
  const fields = fieldsFromEnvironment({
    ANTHROPIC_PROFILE: config.get('ANTHROPIC_PROFILE'),
    ANTHROPIC_FEDERATION_RULE_ID: config.get('ANTHROPIC_FEDERATION_RULE_ID'),
    ANTHROPIC_ORGANIZATION_ID: config.get('ANTHROPIC_ORGANIZATION_ID'),
    ANTHROPIC_IDENTITY_TOKEN_FILE: config.get('ANTHROPIC_IDENTITY_TOKEN_FILE'),
    ANTHROPIC_WORKSPACE_ID: config.get('ANTHROPIC_WORKSPACE_ID'),
    ANTHROPIC_SERVICE_ACCOUNT_ID: config.get('ANTHROPIC_SERVICE_ACCOUNT_ID'),
  });
  return fields && sdkCredentialFrom(fields, { baseURL: config.get('ANTHROPIC_BASE_URL'), name: config.credentialSource, observer: metrics });
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
