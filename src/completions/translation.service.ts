import type Anthropic from '@anthropic-ai/sdk';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import type { ChatCompletionRequest } from './translation/openai.types.js';
import { toAnthropicRequest, type RequestDefaults } from './translation/request.mapper.js';
import { createStreamState, type StreamState } from './translation/stream.mapper.js';
import { defaultMaxTokens } from './translation/tables.js';

/** The pure mappers, bound to the configured defaults. */
@Injectable()
export class TranslationService {
  private readonly defaults: RequestDefaults;

  constructor(config: AppConfig) {
    const override = config.get('DEFAULT_MAX_TOKENS');
    this.defaults = { maxTokens: override ? () => override : defaultMaxTokens };
  }

  toAnthropic(request: ChatCompletionRequest): Anthropic.MessageCreateParamsNonStreaming {
    return toAnthropicRequest(request, this.defaults);
  }

  streamState(model: string, includeUsage: boolean): StreamState {
    return createStreamState(model, includeUsage);
  }
}
