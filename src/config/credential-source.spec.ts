import { credentialSourceFor, missingFederationVariables } from './credential-source.js';

const federation = { ANTHROPIC_FEDERATION_RULE_ID: 'fdrl_1', ANTHROPIC_ORGANIZATION_ID: 'org_1', ANTHROPIC_IDENTITY_TOKEN_FILE: '/t' };

it('orders the sources: API key > OAuth token > SDK profile > workload identity > Claude Code login', () => {
  const all = { ANTHROPIC_API_KEY: 'k', CLAUDE_CODE_OAUTH_TOKEN: 't', ANTHROPIC_PROFILE: 'p', ...federation };
  expect(credentialSourceFor(all)).toBe('api-key');
  expect(credentialSourceFor({ ...all, ANTHROPIC_API_KEY: undefined })).toBe('oauth-token');
  expect(credentialSourceFor({ ANTHROPIC_PROFILE: 'p', ...federation })).toBe('sdk-profile');
  expect(credentialSourceFor(federation)).toBe('workload-identity');
  expect(credentialSourceFor({})).toBe('claude-login');
});

it('names the federation variables a rule id needs, unless a profile supplies them', () => {
  expect(missingFederationVariables({ ANTHROPIC_FEDERATION_RULE_ID: 'fdrl_1' })).toEqual(['ANTHROPIC_ORGANIZATION_ID', 'ANTHROPIC_IDENTITY_TOKEN_FILE']);
  expect(missingFederationVariables(federation)).toEqual([]);
  expect(missingFederationVariables({ ANTHROPIC_FEDERATION_RULE_ID: 'fdrl_1', ANTHROPIC_PROFILE: 'p' })).toEqual([]);
  expect(missingFederationVariables({})).toEqual([]);
});
