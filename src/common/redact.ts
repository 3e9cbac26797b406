/**
 * Anthropic API keys and OAuth tokens share the `sk-ant-` prefix. Whatever
 * text leaves the process (an error message, a log line) goes through this,
 * so a credential that reaches a message by accident is still not disclosed.
 */
const SECRET_PATTERN = /sk-ant-[A-Za-z0-9_-]+/g;

export function redactSecrets(text: string): string {
  return text.replace(SECRET_PATTERN, 'sk-ant-***');
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
