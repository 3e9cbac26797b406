import { parseKeyList, SECRET_VARIABLES } from '../../config/environment.js';
import { rememberConfiguredSecret } from './redact.js';

/**
 * Registers the configured secrets for redaction by value before anything
 * is built, so that not even a start-up log line can carry one.
 */
export function rememberConfiguredSecrets(env: Record<string, string | undefined>): void {
  for (const name of SECRET_VARIABLES) {
    const value = env[name];
    if (!value) continue;
    rememberConfiguredSecret(value);
    for (const part of parseKeyList(value)) rememberConfiguredSecret(part);
  }
}
