import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ClientKeyMiddleware } from '../auth/client-key.middleware.js';
import { CompletionsController } from './completions.controller.js';
import { CompletionsService } from './completions.service.js';
import { RequireJsonMiddleware } from './require-json.middleware.js';
import { TranslationService } from './translation.service.js';

@Module({
  imports: [AuthModule],
  controllers: [CompletionsController],
  providers: [CompletionsService, TranslationService],
})
export class CompletionsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // In this order: an unknown client gets its 401 before anything else is checked.
    consumer.apply(ClientKeyMiddleware, RequireJsonMiddleware).forRoutes({ path: 'v1/chat/completions', method: RequestMethod.POST });
  }
}
