import { type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { GatewayExpressAdapter } from './common/fast/express-adapter.js';
import { RedactingLogger } from './observability/logging/redacting-logger.js';
import { AppConfig } from './config/app-config.js';
import { PinoLogger } from './observability/logging/pino-logger.js';
import { RequestObserver } from './observability/request-observer.js';

/**
 * Builds the application exactly as production runs it; tests call this too,
 * so they exercise the same body limits, filters and shutdown behaviour.
 */
export async function createApp(
  env: Record<string, string | undefined>,
  options: { logger?: LoggerService } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(env), new GatewayExpressAdapter(), {
    // Bodies are read by jsonBodyMiddleware (app.module.ts), after the client-key check.
    bodyParser: false,
    bufferLogs: true,
    // No forceCloseConnections: on SIGTERM, requests in flight (streams
    // included) finish; GracefulShutdown closes keep-alive sockets once idle.
  });
  const config = app.get(AppConfig);
  // Tests pass a logger that captures lines, redacted on the way in as pino
  // redacts production's (JSON, or pretty in development).
  app.useLogger(options.logger ? new RedactingLogger(options.logger) : await PinoLogger.create(config));
  // Before every route and every other middleware: the request id, the span and the request's record.
  app.use(app.get(RequestObserver).middleware);
  app.disable('x-powered-by');
  // Answers are never the same twice: hashing each one for an ETag is work for nothing.
  app.set('etag', false);
  app.enableShutdownHooks();
  return app;
}
