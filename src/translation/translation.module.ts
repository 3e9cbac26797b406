import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { ThinkingCache } from './thinking-cache.js';

/** Bounds of the thinking cache besides its entry count: a tool loop continues within the hour. */
const THINKING_CACHE_BYTES = 64 * 1024 * 1024;
const THINKING_CACHE_TTL_MS = 60 * 60 * 1000;

/**
 * What the OpenAI-shaped features (Chat Completions, Responses) share: one
 * thinking cache for the whole process, so a tool loop finds its blocks
 * whichever API it continues through.
 */
@Module({
  providers: [
    {
      provide: ThinkingCache,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new ThinkingCache({
          maxEntries: config.get('THINKING_CACHE_ENTRIES'),
          maxBytes: THINKING_CACHE_BYTES,
          ttlMs: THINKING_CACHE_TTL_MS,
        }),
    },
  ],
  exports: [ThinkingCache],
})
export class TranslationModule {}
