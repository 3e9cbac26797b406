import { Module } from '@nestjs/common';
import { CompletionsModule } from '../completions/completions.module.js';
import { StreamingModule } from '../streaming/sse-writers.js';
import { TranslationModule } from '../translation/translation.module.js';
import { UpstreamModule } from '../upstream/upstream.module.js';
import { ResponseStore } from './response-store.js';
import { ResponsesController } from './responses.controller.js';
import { ResponsesService } from './responses.service.js';

/**
 * The Responses API. It builds on chat completions (its requests are
 * translated through the chat form, so there is one mapping of roles, parts,
 * tools and limits), which is why it sits one layer above that feature.
 */
@Module({
  imports: [UpstreamModule, TranslationModule, CompletionsModule, StreamingModule],
  controllers: [ResponsesController],
  providers: [ResponsesService, ResponseStore],
})
export class ResponsesModule {}
