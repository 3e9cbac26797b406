import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AuthModule } from './auth/auth.module.js';
import { ClientKeyMiddleware } from './auth/client-key.middleware.js';
import { ForwardedJsonBodyMiddleware, JsonBodyMiddleware } from './common/body/json-body.middleware.js';
import { ShutdownModule } from './common/graceful-shutdown.js';
import { GatewayExceptionFilter } from './common/errors/exception.filter.js';
import { rememberConfiguredSecrets } from './common/redaction/secret-values.js';
import { createValidationPipe } from './common/validation/validation.pipe.js';
import { CompletionsController } from './completions/completions.controller.js';
import { CompletionsModule } from './completions/completions.module.js';
import { AppConfigModule } from './config/app-config.module.js';
import { HealthModule } from './health/health.module.js';
import { MessagesController } from './messages/messages.controller.js';
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
        ObservabilityModule,
        ShutdownModule,
        StoreModule,
        ConnectionGuardModule,
        AuthModule,
        CompletionsModule,
        ResponsesModule,
        MessagesModule,
        ModelsModule,
        HealthModule,
      ],
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: GatewayExceptionFilter },
      ],
    };
  }

  /**
   * Applied once, here, in this order: an unknown client gets its 401 before
   * anything else about its request is checked, and before its body is
   * even read.
   */
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(ClientKeyMiddleware)
      .forRoutes({ path: 'v1/{*path}', method: RequestMethod.ALL })
      .apply(JsonBodyMiddleware)
      .forRoutes(CompletionsController, { path: 'v1/responses', method: RequestMethod.POST })
      .apply(ForwardedJsonBodyMiddleware)
      .forRoutes(MessagesController);
  }
}
