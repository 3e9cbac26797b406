import { type INestApplication, type LoggerService, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { AppConfig } from './config/app-config.js';
import { LOG_LEVELS, type LogLevelName } from './config/environment.js';

/** Every level at or above the configured one. */
export function logLevels(level: LogLevelName): LogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1) as LogLevel[];
}

/**
 * Builds the application exactly as production runs it; tests call this too,
 * so they exercise the same body limits, filters and shutdown behaviour.
 */
export async function createApp(
  env: Record<string, string | undefined>,
  options: { logger?: LoggerService } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(env), {
    bodyParser: false,
    bufferLogs: true,
    // No forceCloseConnections: on SIGTERM, requests in flight (streams
    // included) finish; idle keep-alive sockets are closed by Node itself.
  });
  const config = app.get(AppConfig);
  app.useLogger(options.logger ?? logLevels(config.get('LOG_LEVEL')));
  app.useBodyParser('json', { limit: config.get('BODY_LIMIT') });
  app.disable('x-powered-by');
  // Answers are never the same twice: hashing each one for an ETag is work for nothing.
  app.set('etag', false);
  app.enableShutdownHooks();
  return app;
}
