import type { LoggerService, LogLevel } from '@nestjs/common';
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { redactSecrets } from '../../common/redaction/redact.js';
import type { AppConfig } from '../../config/app-config.js';
import type { LogFormat, LogLevelName } from '../../config/environment.js';

/** LOG_LEVEL keeps Nest's names; pino calls two of them differently. */
const PINO_LEVELS: Record<LogLevelName, Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * Defence in depth: the gateway never logs request headers, but if anything
 * ever does, these are censored by the logger itself. Values are also passed
 * through `redactSecrets`, which catches a key wherever it appears in text.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  'authorization',
  '["x-api-key"]',
];

const isText = (arg: unknown) => typeof arg === 'string';

export function logFormatFor(config: AppConfig): LogFormat {
  return config.get('LOG_FORMAT') ?? (config.get('NODE_ENV') === 'production' ? 'json' : 'pretty');
}

/** The pino logger for LOG_LEVEL and LOG_FORMAT; pino-pretty is loaded only for `pretty`. */
export async function createPino(config: AppConfig, destination?: DestinationStream): Promise<Logger> {
  const options = {
    level: PINO_LEVELS[config.get('LOG_LEVEL')],
    base: { pid: process.pid },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    hooks: {
      // Text arguments, the message above all, go through the value-based redaction.
      logMethod(this: Logger, args: unknown[], method: (...args: unknown[]) => void) {
        // The request line comes as one object and no text: nothing to map, no array to copy.
        if (!args.some(isText)) return method.apply(this, args);
        method.apply(
          this,
          args.map((arg) => (typeof arg === 'string' ? redactSecrets(arg) : arg)),
        );
      },
    },
  };
  if (destination) return pino(options, destination);
  if (logFormatFor(config) === 'json') return pino(options);
  const { default: pretty } = await import('pino-pretty');
  return pino(
    options,
    pretty({
      sync: true,
      colorize: process.stdout.isTTY,
      translateTime: 'SYS:HH:MM:ss.l',
      // Nest's style: the component in brackets before the message, not on a line of its own.
      messageFormat: '{if context}[{context}] {end}{msg}',
      ignore: 'pid,hostname,context',
    }),
  );
}

/**
 * Nest's logger interface on top of pino. Nest calls `log(message, context)`
 * (and `error(message, stack, context)`); an object message becomes the
 * line's fields, which is how the one-line-per-request record is written.
 */
export class PinoLogger implements LoggerService {
  /** A child logger per context (a handful: Http, Main, ...): pino writes its `context` field once, not per line. */
  private readonly contexts = new Map<string, Logger>();

  constructor(readonly pino: Logger) {}

  static async create(config: AppConfig): Promise<PinoLogger> {
    return new PinoLogger(await createPino(config));
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  /** Whether a line of Nest's `level` would be written: the request observer builds none that would not. */
  isLevelEnabled(level: LogLevel): boolean {
    return this.pino.isLevelEnabled(PINO_LEVELS[level]);
  }

  /**
   * The request observer's line, past Nest's Logger and the copying `write`
   * does: `fields` is written as it is, so its last key must be `msg` (pino
   * writes the message last), as in the line `write` makes of `{ msg, ...rest }`.
   */
  line(level: 'debug' | 'log' | 'warn', context: string, fields: Readonly<Record<string, unknown>> & { readonly msg: string }): void {
    const pinoLevel = PINO_LEVELS[level];
    if (this.pino.isLevelEnabled(pinoLevel)) this.forContext(context)[pinoLevel](fields);
  }

  private forContext(context: string | undefined): Logger {
    if (!context) return this.pino;
    let child = this.contexts.get(context);
    if (!child) this.contexts.set(context, (child = this.pino.child({ context })));
    return child;
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    // Nest appends the context (the logger's name) as the last argument.
    const context = params.length > 0 && typeof params.at(-1) === 'string' ? (params.pop() as string) : undefined;
    const logger = this.forContext(context);
    if (message !== null && typeof message === 'object' && !(message instanceof Error)) {
      // One object literal, not two objects spread into one: that builds a slow
      // dictionary-mode object, which made every line cost four times as much.
      const { msg, ...rest } = message as Record<string, unknown>;
      logger[level](rest, typeof msg === 'string' ? msg : '');
      return;
    }
    const fields: Record<string, unknown> = {};
    // error(message, stack): a stack trace may quote a message holding a secret.
    const stack = level === 'error' || level === 'fatal' ? params.find((param) => typeof param === 'string') : undefined;
    if (typeof stack === 'string') fields.stack = redactSecrets(stack);
    if (message instanceof Error) {
      fields.err = { type: message.name, message: redactSecrets(message.message) };
      logger[level](fields, redactSecrets(message.message));
    } else {
      logger[level](fields, String(message));
    }
  }
}
