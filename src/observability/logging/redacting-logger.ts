import type { LoggerService } from '@nestjs/common';
import { redactSecrets } from '../../common/redaction/redact.js';

/**
 * Wraps the application's logger so that every line, from our code, Nest's
 * or a library's, is redacted on its way out; call sites need not remember to.
 */
export class RedactingLogger implements LoggerService {
  constructor(private readonly inner: LoggerService) {}

  log(message: unknown, ...rest: unknown[]) {
    this.inner.log(redact(message), ...rest.map(redact));
  }
  error(message: unknown, ...rest: unknown[]) {
    this.inner.error(redact(message), ...rest.map(redact));
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.inner.warn(redact(message), ...rest.map(redact));
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.inner.debug?.(redact(message), ...rest.map(redact));
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.inner.verbose?.(redact(message), ...rest.map(redact));
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.inner.fatal?.(redact(message), ...rest.map(redact));
  }
}

function redact(value: unknown): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (value instanceof Error) return redactSecrets(value.stack ?? `${value.name}: ${value.message}`);
  return value;
}
