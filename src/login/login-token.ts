/** The part of a Claude Code login the gateway uses. */
export interface LoginToken {
  accessToken: string;
  /** Milliseconds since the epoch, as Claude Code writes it; null when absent. */
  expiresAtMs: number | null;
}

/** Where the login was read from (a path or the Keychain item), for messages. */
export type LoginRead =
  | { ok: true; origin: string; token: LoginToken }
  | { ok: false; origin: string; problem: string };

/**
 * Claude Code's `{"claudeAiOauth":{"accessToken","expiresAt",...}}`. Problems
 * never quote the content: a parser message would echo part of a token.
 */
export function parseLogin(text: string, origin: string): LoginRead {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, origin, problem: `${origin} is not valid JSON` };
  }
  const oauth = (json as { claudeAiOauth?: unknown } | null)?.claudeAiOauth as
    | { accessToken?: unknown; expiresAt?: unknown }
    | undefined;
  if (typeof oauth?.accessToken !== 'string' || oauth.accessToken.trim() === '') {
    return { ok: false, origin, problem: `${origin} has no claudeAiOauth.accessToken` };
  }
  const expiresAtMs = typeof oauth.expiresAt === 'number' && Number.isFinite(oauth.expiresAt) ? oauth.expiresAt : null;
  return { ok: true, origin, token: { accessToken: oauth.accessToken, expiresAtMs } };
}
