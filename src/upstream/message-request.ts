import type Anthropic from '@anthropic-ai/sdk';

/**
 * A Messages API request as the translation builds it: everything but the
 * `stream` flag, which is the upstream port's decision.
 */
export type MessageRequest = Omit<Anthropic.MessageCreateParamsNonStreaming, 'stream'>;
