import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { ClientKeyMiddleware } from '../auth/client-key.middleware.js';
import { ModelsController } from './models.controller.js';

@Module({ controllers: [ModelsController] })
export class ModelsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ClientKeyMiddleware).forRoutes(ModelsController);
  }
}
