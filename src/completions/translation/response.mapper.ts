import type Anthropic from '@anthropic-ai/sdk';
import type { ChatCompletion, CompletionUsage, ToolCall } from './openai.types.js';
import { finishReason } from './tables.js';

/** Identity of one completion, shared by the JSON answer and every chunk of a stream. */
export interface CompletionIdentity {
  id: string;
  created: number;
  /** As the client sent it, not as Anthropic echoes it back. */
  model: string;
}

export function completionIdentity(messageId: string, model: string, now = Date.now()): CompletionIdentity {
  return { id: `chatcmpl-${messageId}`, created: Math.floor(now / 1000), model };
}

type UsageLike = Pick<Anthropic.Usage, 'input_tokens' | 'output_tokens'> &
  Partial<Pick<Anthropic.Usage, 'cache_creation_input_tokens' | 'cache_read_input_tokens' | 'output_tokens_details'>>;

/** OpenAI counts every prompt token, cached or not; Anthropic splits them three ways. */
export function toUsage(usage: UsageLike): CompletionUsage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const prompt = usage.input_tokens + (usage.cache_creation_input_tokens ?? 0) + cacheRead;
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.output_tokens,
    total_tokens: prompt + usage.output_tokens,
    prompt_tokens_details: { cached_tokens: cacheRead },
    completion_tokens_details: { reasoning_tokens: usage.output_tokens_details?.thinking_tokens ?? 0 },
  };
}

/** Anthropic Message → OpenAI `chat.completion`. Pure. */
export function toChatCompletion(message: Anthropic.Message, identity: CompletionIdentity): ChatCompletion {
  const text: string[] = [];
  const thinking: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text') text.push(block.text);
    else if (block.type === 'thinking') thinking.push(block.thinking);
    else if (block.type === 'tool_use') {
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    }
  }
  return {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text.length === 0 && toolCalls.length > 0 ? null : text.join(''),
          refusal: null,
          ...(toolCalls.length > 0 && { tool_calls: toolCalls }),
          ...(thinking.length > 0 && { reasoning_content: thinking.join('') }),
        },
        logprobs: null,
        finish_reason: finishReason(message.stop_reason),
      },
    ],
    usage: toUsage(message.usage),
  };
}
