import { Logger } from '@nestjs/common';
import { format } from 'node:util';

/**
 * The Anthropic SDK writes some notices (a deprecated model, a deprecated
 * thinking mode) with a bare `console.warn`, outside its `logger` option.
 * In production that would be a plain-text line among JSON ones; this sends
 * them through the application's logger (and its redaction) instead.
 * Process-wide, so only the entry point calls it.
 */
export function routeConsoleWarnings(logger = new Logger('Console')): () => void {
  const original = console.warn;
  console.warn = (...args: unknown[]) => logger.warn(format(...args));
  return () => {
    console.warn = original;
  };
}
