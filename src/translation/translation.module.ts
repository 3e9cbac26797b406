import { Module } from '@nestjs/common';
import { ThinkingCache } from './shared/thinking-cache.js';
import { TranslationService } from './translation.service.js';

/**
 * What the OpenAI-shaped doors (Chat Completions, Responses) share: the
 * chat translation (Responses requests are translated through the chat
 * form), and one thinking cache over the gateway's store, so a tool loop
 * finds its blocks whichever API (and, with Redis, whichever replica) it
 * continues through.
 */
@Module({
  providers: [ThinkingCache, TranslationService],
  exports: [ThinkingCache, TranslationService],
})
export class TranslationModule {}
