/**
 * Whatever text leaves the process (an error message, a log line, a header)
 * goes through `redactSecrets`, so a credential that reaches a message by
 * accident is still not disclosed. Two nets: the configured secrets and the
 * login's tokens by their exact value (whatever their shape), and anything
 * shaped like an Anthropic key or token (`sk-ant-…`) in case a value was
 * never registered.
 */
const SECRET_PATTERN = /sk-ant-[A-Za-z0-9_-]+/g;

/** Shorter values would redact ordinary words; no real key or token is this short. */
const MIN_SECRET_LENGTH = 8;
/** Login tokens rotate; the oldest are forgotten first, so that registry stays small. */
const MAX_ROTATING = 64;

/** The configured secrets: fixed for the life of the process, never forgotten. */
const pinned = new Set<string>();
/** Tokens read from the Claude Code login: a new one every few hours, the oldest forgotten first. */
const rotating = new Set<string>();

const usable = (value: string | null | undefined): string | null => {
  const secret = value?.trim();
  return secret && secret.length >= MIN_SECRET_LENGTH ? secret : null;
};

/** Registers a configured secret (a key, a fixed token) for redaction by value, for good. */
export function rememberConfiguredSecret(value: string | null | undefined): void {
  const secret = usable(value);
  if (secret) pinned.add(secret);
}

/** Registers a token read at run time (the login's) for redaction by value. */
export function rememberSecret(value: string | null | undefined): void {
  const secret = usable(value);
  if (!secret || pinned.has(secret) || rotating.has(secret)) return;
  if (rotating.size >= MAX_ROTATING) rotating.delete(rotating.values().next().value as string);
  rotating.add(secret);
}

export function redactSecrets(text: string): string {
  let out = text.replace(SECRET_PATTERN, 'sk-ant-***');
  const found: string[] = [];
  for (const registry of [pinned, rotating]) for (const secret of registry) if (out.includes(secret)) found.push(secret);
  // Longest first: a secret that contains another (a refresh token built on its access token) goes whole.
  for (const secret of found.sort((a, b) => b.length - a.length)) out = out.split(secret).join('***');
  return out;
}

/** Header values are text that leaves too. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, redactSecrets(value)]));
}
