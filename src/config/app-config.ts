import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { splitCommandLine } from './command-line.js';
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

  constructor(private readonly config: ConfigService<EnvironmentVariables, true>) {
    const credentials = {
      ANTHROPIC_API_KEY: this.get('ANTHROPIC_API_KEY'),
      CLAUDE_ACCESS_TOKEN: this.get('CLAUDE_ACCESS_TOKEN'),
      CLAUDE_CODE_OAUTH_TOKEN: this.get('CLAUDE_CODE_OAUTH_TOKEN'),
      ANTHROPIC_PROFILE: this.get('ANTHROPIC_PROFILE'),
      ANTHROPIC_FEDERATION_RULE_ID: this.get('ANTHROPIC_FEDERATION_RULE_ID'),
    };
    this.credentialSource = credentialSourceFor(credentials);
    this.oauthToken = oauthTokenFrom(credentials);
    this.refreshArgv = Object.freeze(splitCommandLine(this.get('REFRESH_COMMAND')));
    this.clientKeys = Object.freeze(parseKeyList(this.get('PROXY_API_KEYS') ?? ''));
  }

  get<K extends keyof EnvironmentVariables>(key: K): EnvironmentVariables[K] {
    return this.config.get(key, { infer: true });
  }
}
