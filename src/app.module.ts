import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AuthModule } from './auth/auth.module.js';
import { ClientKeyMiddleware } from './auth/client-key.middleware.js';
import { type DoorBody, jsonBodyMiddleware } from './common/body/json-body.middleware.js';
import { ShutdownModule } from './common/graceful-shutdown.js';
import { GatewayExceptionFilter } from './common/errors/exception.filter.js';
import { rememberConfiguredSecrets } from './common/redaction/secret-values.js';
import { createValidationPipe } from './common/validation/validation.pipe.js';
import { CompletionsModule } from './completions/completions.module.js';
import { AppConfig } from './config/app-config.js';
import { AppConfigModule } from './config/app-config.module.js';
import { HealthModule } from './health/health.module.js';
import { MessagesModule } from './messages/messages.module.js';
import { ConnectionGuardModule } from './common/http-server/connection-guard.js';
import { ModelsModule } from './models/models.module.js';
import { MetricsModule } from './observability/metrics/metrics.module.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { TracingModule } from './observability/tracing/tracing.module.js';
import { ResponsesModule } from './responses/responses.module.js';
import { StoreModule } from './store/store.module.js';

@Module({})
export class AppModule implements NestModule {
  /** The environment comes in as an argument so tests can run gateways side by side. */
  static forRoot(env: Record<string, string | undefined>): DynamicModule {
    rememberConfiguredSecrets(env);
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(env),
        MetricsModule,
        TracingModule,
        ShutdownModule,
        StoreModule,
        ConnectionGuardModule,
        AuthModule,
        CompletionsModule,
        ResponsesModule,
        MessagesModule,
        ModelsModule,
        HealthModule,
        // After the doors: Express tries routes in the order they were registered, and /metrics is scraped, not hot.
        ObservabilityModule,
      ],
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: GatewayExceptionFilter },
      ],
    };
  }

  constructor(private readonly config: AppConfig) {}

  /**
   * Applied once, here, in this order: an unknown client gets its 401 before
   * anything else about its request is checked, and before its body is
   * even read.
   */
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(ClientKeyMiddleware)
      .forRoutes({ path: 'v1/{*path}', method: RequestMethod.ALL })
      .apply(jsonBodyMiddleware(this.config, DOOR_BODIES))
      .forRoutes({ path: 'v1/{*path}', method: RequestMethod.POST });
  }
}

/**
 * Each door's POST routes and how each reads its body; any other path gets
 * none read. test/door-bodies.e2e-spec.ts checks this against the routes the doors' controllers declare.
 */
export const DOOR_BODIES: Readonly<Record<string, DoorBody>> = {
  '/v1/chat/completions': 'parsed',
  '/v1/responses': 'parsed',
  '/v1/messages': 'forwarded',
  '/v1/messages/count_tokens': 'forwarded',
};
