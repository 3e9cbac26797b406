import { Module } from '@nestjs/common';
import { ThinkingCache } from './thinking-cache.js';

/**
 * What the OpenAI-shaped features (Chat Completions, Responses) share: one
 * thinking cache over the gateway's store, so a tool loop finds its blocks
 * whichever API (and, with Redis, whichever replica) it continues through.
 */
@Module({
  providers: [ThinkingCache],
  exports: [ThinkingCache],
})
export class TranslationModule {}
