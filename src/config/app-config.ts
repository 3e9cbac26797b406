import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomBytes } from 'node:crypto';
import { splitCommandLine } from './command-line.js';
import { type CredentialEntries, credentialEntries } from './credential-pool-file.js';
import { type CredentialSource, credentialSourceFor, oauthTokenFrom } from './credential-source.js';
import { type EnvironmentVariables, parseKeyList } from './environment.js';

/**
 * Typed read access to the validated environment, plus the few values
 * derived from it, each computed once here so nothing else re-parses a
 * variable or re-decides which credential is in use.
 */
@Injectable()
export class AppConfig {
  /** Which credential the gateway uses, in priority order. */
  readonly credentialSource: CredentialSource;
  /** REFRESH_COMMAND as argv (run without a shell). */
  readonly refreshArgv: readonly string[];
  /** PROXY_API_KEYS as a list; empty when client authentication is off. */
  readonly clientKeys: readonly string[];
  /** The fixed OAuth token (`oauth-token` source). */
  readonly oauthToken: string | undefined;
  /** Every credential, in order of preference (a pool of one without CREDENTIALS_FILE). */
  readonly credentials: CredentialEntries;
  /** The Claude Code login's config dir, when a credential is that login; where REFRESH_COMMAND renews it. */
  readonly loginDir: string | null;
  /** The HMAC key of tenant ids: STORE_TENANT_SECRET, or one random key for this application's life. */
  readonly tenantSecret: string | Buffer;

  /** `credentials`: decided at start-up (AppConfigModule); worked out here from the variables otherwise. */
  constructor(
    private readonly config: ConfigService<EnvironmentVariables, true>,
    credentials?: CredentialEntries,
  ) {
    const variables = {
      ANTHROPIC_API_KEY: this.get('ANTHROPIC_API_KEY'),
      CLAUDE_ACCESS_TOKEN: this.get('CLAUDE_ACCESS_TOKEN'),
      CLAUDE_CODE_OAUTH_TOKEN: this.get('CLAUDE_CODE_OAUTH_TOKEN'),
      ANTHROPIC_PROFILE: this.get('ANTHROPIC_PROFILE'),
      ANTHROPIC_FEDERATION_RULE_ID: this.get('ANTHROPIC_FEDERATION_RULE_ID'),
    };
    this.credentials = Object.freeze(credentials ?? credentialEntriesOf(config));
    this.credentialSource = this.credentials.fromFile ? 'credentials-file' : credentialSourceFor(variables);
    this.oauthToken = oauthTokenFrom(variables);
    const login = this.credentials.list.find((entry) => entry.kind === 'claude-login');
    this.loginDir = login?.kind === 'claude-login' ? login.configDir : null;
    this.refreshArgv = Object.freeze(splitCommandLine(this.get('REFRESH_COMMAND')));
    this.clientKeys = Object.freeze(parseKeyList(this.get('PROXY_API_KEYS') ?? ''));
    this.tenantSecret = this.get('STORE_TENANT_SECRET') ?? randomBytes(32);
  }

  get<K extends keyof EnvironmentVariables>(key: K): EnvironmentVariables[K] {
    return this.config.get(key, { infer: true });
  }
}

/** Without AppConfigModule (unit specs): the single-credential variables, or the file they name, with no extra environment. */
function credentialEntriesOf(config: ConfigService<EnvironmentVariables, true>): CredentialEntries {
  const env = new Proxy({} as EnvironmentVariables, { get: (_, key) => config.get(key as keyof EnvironmentVariables, { infer: true }) });
  return credentialEntries(env, {});
}
