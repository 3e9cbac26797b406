/**
 * Anthropic API keys and OAuth tokens share the `sk-ant-` prefix. Whatever
 * text leaves the process (an error message, a log line) goes through this,
 * so a credential that reaches a message by accident is still not disclosed.
 */
const SECRET_PATTERN = /sk-ant-[A-Za-z0-9_-]+/g;

export function redactSecrets(text: string): string {
  return text.replace(SECRET_PATTERN, 'sk-ant-***');
}
