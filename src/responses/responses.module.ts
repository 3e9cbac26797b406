import { Module } from '@nestjs/common';
import { CompletionsModule } from '../completions/completions.module.js';
import { AppConfig } from '../config/app-config.js';
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
  providers: [
    ResponsesService,
    {
      provide: ResponseStore,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new ResponseStore({
          maxEntries: config.get('RESPONSES_STORE_MAX_ENTRIES'),
          maxBytes: config.get('RESPONSES_STORE_MAX_MB') * 1024 * 1024,
          ttlMs: config.get('RESPONSES_STORE_TTL_SECONDS') * 1000,
        }),
    },
  ],
})
export class ResponsesModule {}
