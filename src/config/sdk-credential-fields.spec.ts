import { fieldsFromEnvironment, InvalidSdkCredentialFields, parseSdkCredentialFields } from './sdk-credential-fields.js';

const federation = { ruleId: 'fdrl_1', organizationId: 'org_1', identityTokenFile: '/var/run/secrets/anthropic/token' };

describe('parseSdkCredentialFields (a credentials-file entry)', () => {
  it('takes a federation entry, with its optional fields, and leaves the entry\'s other keys alone', () => {
    expect(parseSdkCredentialFields({ name: 'wif', federation })).toEqual({ federation });
    const full = { ...federation, workspaceId: 'wrkspc_1', serviceAccountId: 'svac_1' };
    expect(parseSdkCredentialFields({ federation: full })).toEqual({ federation: full });
  });

  it('takes a profile entry', () => {
    expect(parseSdkCredentialFields({ name: 'prod', profile: 'prod-1.eu' })).toEqual({ profile: 'prod-1.eu' });
  });

  it.each([
    [{ federation, profile: 'x' }, /either "federation" or "profile"/],
    [{ profile: '../etc' }, /profile name/],
    [{ profile: 7 }, /profile name/],
    [{ federation: 'fdrl_1' }, /must be an object/],
    [{}, /must be an object/],
    [{ federation: { ruleId: 'fdrl_1' } }, /federation.organizationId" must be a non-empty string; "federation.identityTokenFile"/],
    [{ federation: { ...federation, workspaceId: '' } }, /federation.workspaceId" must be a non-empty string/],
    [{ federation: { ...federation, ruleID: 'typo' } }, /"federation.ruleID" is not a known field/],
  ])('refuses %j, naming every problem', (entry, message) => {
    expect(() => parseSdkCredentialFields(entry as Record<string, unknown>)).toThrow(InvalidSdkCredentialFields);
    expect(() => parseSdkCredentialFields(entry as Record<string, unknown>)).toThrow(message);
  });
});

describe('fieldsFromEnvironment', () => {
  const env = {
    ANTHROPIC_FEDERATION_RULE_ID: 'fdrl_1',
    ANTHROPIC_ORGANIZATION_ID: 'org_1',
    ANTHROPIC_IDENTITY_TOKEN_FILE: '/var/run/secrets/anthropic/token',
  };

  it('reads the SDK\'s variables into the same fields an entry has', () => {
    expect(fieldsFromEnvironment(env)).toEqual({ federation });
    expect(fieldsFromEnvironment({ ...env, ANTHROPIC_WORKSPACE_ID: 'wrkspc_1' })).toEqual({ federation: { ...federation, workspaceId: 'wrkspc_1' } });
  });

  it('puts a named profile first, as the SDK does, and guesses no profile', () => {
    expect(fieldsFromEnvironment({ ...env, ANTHROPIC_PROFILE: 'prod' })).toEqual({ profile: 'prod' });
    expect(fieldsFromEnvironment({})).toBeNull();
  });
});
