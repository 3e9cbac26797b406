import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { ConnectionDrainer } from './common/connection-drainer.js';
import { OpenAIExceptionFilter } from './common/openai-exception.filter.js';
import { createValidationPipe } from './common/validation.pipe.js';
import { CompletionsModule } from './completions/completions.module.js';
import { AppConfigModule } from './config/app-config.module.js';
import { HealthModule } from './health/health.module.js';
import { ModelsModule } from './models/models.module.js';

@Module({})
export class AppModule {
  /** The environment comes in as an argument so tests can run gateways side by side. */
  static forRoot(env: Record<string, string | undefined>): DynamicModule {
    return {
      module: AppModule,
      imports: [AppConfigModule.forRoot(env), ScheduleModule.forRoot(), CompletionsModule, ModelsModule, HealthModule],
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: OpenAIExceptionFilter },
        ConnectionDrainer,
      ],
    };
  }
}
