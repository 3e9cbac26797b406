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
/** Login tokens rotate; the oldest are forgotten first, so the registry stays small. */
const MAX_SECRETS = 64;

const known = new Set<string>();

/** Registers a secret value (a configured key, a token once read) for redaction by value. */
export function rememberSecret(value: string | null | undefined): void {
  const secret = value?.trim();
  if (!secret || secret.length < MIN_SECRET_LENGTH || known.has(secret)) return;
  if (known.size >= MAX_SECRETS) known.delete(known.values().next().value as string);
  known.add(secret);
}

export function redactSecrets(text: string): string {
  let out = text.replace(SECRET_PATTERN, 'sk-ant-***');
  for (const secret of known) if (out.includes(secret)) out = out.split(secret).join('***');
  return out;
}

/** Header values are text that leaves too. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, redactSecrets(value)]));
}

/**
 * Replaces every occurrence of the given secret values, whatever their shape:
 * a token need not look like `sk-ant-…` to be one. Values shorter than 8
 * characters are ignored (they would match ordinary words).
 */
export function redactValues(text: string, secrets: readonly string[]): string {
  let redacted = text;
  for (const secret of [...new Set(secrets)].filter((s) => s.length >= 8).sort((a, b) => b.length - a.length)) {
    redacted = redacted.split(secret).join('***');
  }
  return redacted;
}
