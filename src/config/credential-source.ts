import type { EnvironmentVariables } from './environment.js';

type CredentialVariables = Pick<EnvironmentVariables, 'ANTHROPIC_API_KEY' | 'CLAUDE_ACCESS_TOKEN' | 'CLAUDE_CODE_OAUTH_TOKEN'>;

/** Where the credential in use comes from; shown by health, never its value. */
export type CredentialSource = 'api-key' | 'oauth-token' | 'claude-login' | 'credentials-file';

/** API key > OAuth token (either variable name) > the Claude Code login. Decided once, at start-up. */
export function credentialSourceFor(env: CredentialVariables): CredentialSource {
  if (env.ANTHROPIC_API_KEY) return 'api-key';
  if (oauthTokenFrom(env)) return 'oauth-token';
  return 'claude-login';
}

export function oauthTokenFrom(env: CredentialVariables): string | undefined {
  return env.CLAUDE_ACCESS_TOKEN ?? env.CLAUDE_CODE_OAUTH_TOKEN;
}
