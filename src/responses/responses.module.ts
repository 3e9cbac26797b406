import { Module } from '@nestjs/common';
import { StreamingModule } from '../streaming/sse-writers.js';
import { TranslationModule } from '../translation/translation.module.js';
import { UpstreamModule } from '../upstream/upstream.module.js';
import { ResponseStore } from './response-store.js';
import { ResponsesController } from './responses.controller.js';
import { ResponsesService } from './responses.service.js';

/**
 * The Responses API. Its requests are translated through the chat form (the
 * translation layer's, so there is one mapping of roles, parts, tools and
 * limits); it imports no other door.
 */
@Module({
  imports: [UpstreamModule, TranslationModule, StreamingModule],
  controllers: [ResponsesController],
  providers: [ResponsesService, ResponseStore],
})
export class ResponsesModule {}
