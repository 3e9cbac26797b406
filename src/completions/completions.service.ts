import { Injectable } from '@nestjs/common';
import { CredentialProvider } from '../auth/credential-provider.js';
import type { ChatCompletionRequestDto } from './dto/chat-completion-request.dto.js';
import type { ChatCompletion } from './translation/openai.types.js';
import { TranslationService } from './translation.service.js';

export interface CompletionResult {
  completion: ChatCompletion;
  requestId: string | null | undefined;
}

@Injectable()
export class CompletionsService {
  constructor(
    private readonly credentials: CredentialProvider,
    private readonly translation: TranslationService,
  ) {}

  async complete(request: ChatCompletionRequestDto, signal: AbortSignal): Promise<CompletionResult> {
    const params = this.translation.toAnthropic(request);
    const { data, request_id } = await this.credentials
      .client()
      .messages.create(params, { signal })
      .withResponse();
    return { completion: this.translation.toChatCompletion(data, request.model), requestId: request_id };
  }
}
