/**
 * What a credential handed to the SDK's own chain is built from: the fields
 * of a federation rule, or the name of an SDK profile. The same plain object
 * whether it comes from the environment (`fieldsFromEnvironment`) or from an
 * entry of a credentials file (`parseSdkCredentialFields`).
 */
export type SdkCredentialFields =
  | {
      federation: {
        /** `fdrl_…`: the federation rule the identity token is checked against. */
        ruleId: string;
        /** The organization the rule belongs to. */
        organizationId: string;
        /** A file holding the identity token (a JWT), read again at every exchange so rotation is picked up. */
        identityTokenFile: string;
        /** `wrkspc_…` or `default`: needed when the rule covers several workspaces. */
        workspaceId?: string;
        /** `svac_…`: the service account the token is expected to act as. */
        serviceAccountId?: string;
      };
    }
  | {
      /** A profile in the SDK's config directory (`<config dir>/configs/<profile>.json`). */
      profile: string;
    };

/** The environment variables the SDK itself reads for these, under the same names. */
export interface SdkCredentialVariables {
  ANTHROPIC_PROFILE?: string;
  ANTHROPIC_FEDERATION_RULE_ID?: string;
  ANTHROPIC_ORGANIZATION_ID?: string;
  ANTHROPIC_IDENTITY_TOKEN_FILE?: string;
  ANTHROPIC_WORKSPACE_ID?: string;
  ANTHROPIC_SERVICE_ACCOUNT_ID?: string;
}

/**
 * The SDK's order, minus its guesses: a named profile, else the federation
 * variables, else nothing (no "active" or "default" profile is picked up on
 * its own, so a developer's own profile never replaces the configured
 * credential). Missing federation variables are reported by the
 * environment's validation (config/credential-source.ts), not here.
 */
export function fieldsFromEnvironment(env: SdkCredentialVariables): SdkCredentialFields | null {
  if (env.ANTHROPIC_PROFILE) return { profile: env.ANTHROPIC_PROFILE };
  if (!env.ANTHROPIC_FEDERATION_RULE_ID) return null;
  return {
    federation: {
      ruleId: env.ANTHROPIC_FEDERATION_RULE_ID,
      organizationId: env.ANTHROPIC_ORGANIZATION_ID ?? '',
      identityTokenFile: env.ANTHROPIC_IDENTITY_TOKEN_FILE ?? '',
      ...(env.ANTHROPIC_WORKSPACE_ID ? { workspaceId: env.ANTHROPIC_WORKSPACE_ID } : {}),
      ...(env.ANTHROPIC_SERVICE_ACCOUNT_ID ? { serviceAccountId: env.ANTHROPIC_SERVICE_ACCOUNT_ID } : {}),
    },
  };
}

/** A name the SDK looks up as `configs/<name>.json`: no path, no "." or "..". */
export function isProfileName(value: string): boolean {
  return /^[A-Za-z0-9_.-]+$/.test(value) && value !== '.' && value !== '..';
}

const FEDERATION_KEYS = ['ruleId', 'organizationId', 'identityTokenFile', 'workspaceId', 'serviceAccountId'] as const;
const REQUIRED_KEYS = new Set<string>(['ruleId', 'organizationId', 'identityTokenFile']);

export class InvalidSdkCredentialFields extends Error {}

/**
 * An entry's fields, checked: `{federation: {ruleId, organizationId,
 * identityTokenFile, workspaceId?, serviceAccountId?}}` or `{profile}`.
 * Other keys of the entry (its name, say) are left to the caller. Every
 * problem is named at once; values are never echoed.
 */
export function parseSdkCredentialFields(entry: Record<string, unknown>): SdkCredentialFields {
  const has = (key: string) => Object.hasOwn(entry, key);
  if (has('federation') && has('profile')) throw new InvalidSdkCredentialFields('give either "federation" or "profile", not both');
  if (has('profile')) {
    const profile = entry.profile;
    if (typeof profile !== 'string' || !isProfileName(profile)) {
      throw new InvalidSdkCredentialFields('"profile" must be a profile name (letters, digits, "_", "." and "-")');
    }
    return { profile };
  }
  const federation = entry.federation;
  if (federation === null || typeof federation !== 'object' || Array.isArray(federation)) {
    throw new InvalidSdkCredentialFields('"federation" must be an object with ruleId, organizationId and identityTokenFile');
  }
  const fields = federation as Record<string, unknown>;
  const problems = [
    ...Object.keys(fields)
      .filter((key) => !(FEDERATION_KEYS as readonly string[]).includes(key))
      .map((key) => `"federation.${key}" is not a known field (${FEDERATION_KEYS.join(', ')})`),
    ...FEDERATION_KEYS.filter((key) => {
      const value = fields[key];
      if (value === undefined) return REQUIRED_KEYS.has(key);
      return typeof value !== 'string' || value.trim() === '';
    }).map((key) => `"federation.${key}" must be a non-empty string`),
  ];
  if (problems.length > 0) throw new InvalidSdkCredentialFields(problems.join('; '));
  const text = (key: (typeof FEDERATION_KEYS)[number]) => fields[key] as string | undefined;
  return {
    federation: {
      ruleId: text('ruleId')!,
      organizationId: text('organizationId')!,
      identityTokenFile: text('identityTokenFile')!,
      ...(text('workspaceId') ? { workspaceId: text('workspaceId') } : {}),
      ...(text('serviceAccountId') ? { serviceAccountId: text('serviceAccountId') } : {}),
    },
  };
}
