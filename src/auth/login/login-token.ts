/** The part of a Claude Code login the gateway uses. */
export interface LoginToken {
  accessToken: string;
  /**
   * Never sent anywhere: the gateway only reads it so that the refresh
   * command's output can be redacted by value, whatever the token's shape.
   */
  refreshToken: string | null;
  /** Milliseconds since the epoch, as Claude Code writes it; null when absent. */
  expiresAtMs: number | null;
}

/**
 * Why a login cannot be used. `signed-out` is the login Claude Code leaves
 * after the token endpoint refused its refresh token (`invalid_grant`): it
 * blanks both tokens and sets `expiresAt` to 0. No renewal can bring it back.
 */
export type LoginProblemKind = 'unreadable' | 'not-json' | 'no-token' | 'signed-out';

/** Where the login was read from (a path or the Keychain item), for messages. */
export type LoginRead =
  | { ok: true; origin: string; token: LoginToken }
  | { ok: false; origin: string; problem: string; kind?: LoginProblemKind };

/**
 * Claude Code's `{"claudeAiOauth":{"accessToken","refreshToken","expiresAt",...}}`.
 * Problems never quote the content: a parser message would echo part of a token.
 */
export function parseLogin(text: string, origin: string): LoginRead {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, origin, problem: `${origin} is not valid JSON`, kind: 'not-json' };
  }
  const oauth = (json as { claudeAiOauth?: unknown } | null)?.claudeAiOauth as
    | { accessToken?: unknown; refreshToken?: unknown; expiresAt?: unknown }
    | undefined;
  if (isSignedOut(oauth)) {
    return {
      ok: false,
      origin,
      kind: 'signed-out',
      problem:
        `${origin} holds a signed-out login (empty tokens, expiresAt 0): Claude Code leaves it so when the ` +
        'token endpoint refuses the refresh token, because the login was revoked or its refresh token was ' +
        'already spent (used by another copy of this login)',
    };
  }
  if (typeof oauth?.accessToken !== 'string' || oauth.accessToken.trim() === '') {
    return { ok: false, origin, problem: `${origin} has no claudeAiOauth.accessToken`, kind: 'no-token' };
  }
  const expiresAtMs = typeof oauth.expiresAt === 'number' && Number.isFinite(oauth.expiresAt) ? oauth.expiresAt : null;
  const refreshToken = typeof oauth.refreshToken === 'string' && oauth.refreshToken !== '' ? oauth.refreshToken : null;
  return { ok: true, origin, token: { accessToken: oauth.accessToken, refreshToken, expiresAtMs } };
}

/** What Claude Code writes on `invalid_grant`: both tokens blank and expiresAt 0. */
function isSignedOut(oauth: { accessToken?: unknown; refreshToken?: unknown; expiresAt?: unknown } | undefined): boolean {
  return oauth?.accessToken === '' && oauth.refreshToken === '' && oauth.expiresAt === 0;
}

/**
 * What to do about an unusable login, in the order an operator should try it.
 * A CLI the gateway cannot find comes first: advice to run `claude` is
 * useless until it is installed. An API key is always the plain alternative.
 */
export function loginHelp(situation: { signedOut: boolean; missingCli: string | null }): string {
  const parts: string[] = [];
  if (situation.missingCli) {
    parts.push(
      `\`${situation.missingCli}\` (from REFRESH_COMMAND) is not on the gateway's PATH, so the login cannot be renewed here: ` +
        'install Claude Code for the user the gateway runs as, or set REFRESH_COMMAND with the full path.',
    );
  }
  if (situation.signedOut) {
    parts.push(
      'To fix it, sign in again with `claude auth login` on this host (as the user the gateway runs as), ' +
        'or create a long-lived token with `claude setup-token` and set CLAUDE_CODE_OAUTH_TOKEN.',
    );
  } else {
    parts.push(
      'To fix it, run `claude` interactively once on this host (as the user the gateway runs as) so it renews the login, ' +
        'or set REFRESH_COMMAND to a command that renews it, ' +
        'or create a long-lived token with `claude setup-token` and set CLAUDE_CODE_OAUTH_TOKEN.',
    );
  }
  parts.push('Or set ANTHROPIC_API_KEY to pay per use with a Console API key instead.');
  return parts.join(' ');
}
