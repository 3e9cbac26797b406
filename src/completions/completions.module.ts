import { Module } from '@nestjs/common';
import { StreamingModule } from '../streaming/sse-writers.js';
import { TranslationModule } from '../translation/translation.module.js';
import { UpstreamModule } from '../upstream/upstream.module.js';
import { CompletionsController } from './completions.controller.js';
import { CompletionsService } from './completions.service.js';

@Module({
  imports: [UpstreamModule, TranslationModule, StreamingModule],
  controllers: [CompletionsController],
  providers: [CompletionsService],
})
export class CompletionsModule {}
