import { Module } from '@nestjs/common';
import { StreamingModule } from '../streaming/sse-writers.js';
import { TranslationModule } from '../translation/translation.module.js';
import { UpstreamModule } from '../upstream/upstream.module.js';
import { CompletionsController } from './completions.controller.js';
import { CompletionsService } from './completions.service.js';
import { TranslationService } from './translation.service.js';

@Module({
  imports: [UpstreamModule, TranslationModule, StreamingModule],
  controllers: [CompletionsController],
  providers: [CompletionsService, TranslationService],
  exports: [TranslationService],
})
export class CompletionsModule {}
