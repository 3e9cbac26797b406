import type { AppConfig } from '../config/app-config.js';

/** Where the credential in use came from; shown by health, never its value. */
export type CredentialSource = 'api-key' | 'oauth-token' | 'claude-login';

/** API key > OAuth token (either variable name) > the Claude Code login. */
export function credentialSourceFor(config: AppConfig): CredentialSource {
  if (config.get('ANTHROPIC_API_KEY')) return 'api-key';
  if (oauthTokenFrom(config)) return 'oauth-token';
  return 'claude-login';
}

export function oauthTokenFrom(config: AppConfig): string | undefined {
  return config.get('CLAUDE_ACCESS_TOKEN') ?? config.get('CLAUDE_CODE_OAUTH_TOKEN');
}
