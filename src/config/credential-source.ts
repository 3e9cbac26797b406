import type { EnvironmentVariables } from './environment.js';

type CredentialVariables = Pick<
  EnvironmentVariables,
  | 'ANTHROPIC_API_KEY'
  | 'CLAUDE_ACCESS_TOKEN'
  | 'CLAUDE_CODE_OAUTH_TOKEN'
  | 'ANTHROPIC_PROFILE'
  | 'ANTHROPIC_FEDERATION_RULE_ID'
>;

/** Where the credential in use comes from; shown by health, never its value. */
export type CredentialSource = 'api-key' | 'oauth-token' | 'sdk-profile' | 'workload-identity' | 'claude-login' | 'credentials-file';

/**
 * API key > OAuth token (either variable name) > SDK profile > workload
 * identity federation > the Claude Code login. Decided once, at start-up.
 * A profile before the federation variables, as the SDK orders them (the
 * variables then fill what the profile leaves out).
 */
export function credentialSourceFor(env: Partial<CredentialVariables>): CredentialSource {
  if (env.ANTHROPIC_API_KEY) return 'api-key';
  if (oauthTokenFrom(env)) return 'oauth-token';
  if (env.ANTHROPIC_PROFILE) return 'sdk-profile';
  if (env.ANTHROPIC_FEDERATION_RULE_ID) return 'workload-identity';
  return 'claude-login';
}

export function oauthTokenFrom(env: Partial<CredentialVariables>): string | undefined {
  return env.CLAUDE_ACCESS_TOKEN ?? env.CLAUDE_CODE_OAUTH_TOKEN;
}

type FederationVariables = Pick<
  EnvironmentVariables,
  'ANTHROPIC_PROFILE' | 'ANTHROPIC_FEDERATION_RULE_ID' | 'ANTHROPIC_ORGANIZATION_ID' | 'ANTHROPIC_IDENTITY_TOKEN_FILE'
>;

/** The federation variables that must come with a rule id (without a profile to supply them), by name. */
export function missingFederationVariables(env: Partial<FederationVariables>): string[] {
  if (env.ANTHROPIC_PROFILE || !env.ANTHROPIC_FEDERATION_RULE_ID) return [];
  return (['ANTHROPIC_ORGANIZATION_ID', 'ANTHROPIC_IDENTITY_TOKEN_FILE'] as const).filter((name) => !env[name]);
}
