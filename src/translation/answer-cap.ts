import type Anthropic from '@anthropic-ai/sdk';
import { GatewayError } from '../common/gateway-error.js';

/**
 * MAX_ASSEMBLED_BYTES, and what a non-streaming answer held in memory has
 * used of it so far. Past the cap the caller stops reading (which stops
 * upstream) and the client is told to stream instead. Shared by every
 * endpoint that assembles an answer.
 */
export class AnswerCap {
  private bytes = 0;

  constructor(readonly max: number) {}

  /** Counts `bytes` more; false once the answer would grow past the cap. */
  take(bytes: number): boolean {
    this.bytes += bytes;
    return this.bytes <= this.max;
  }

  error(): GatewayError {
    return new GatewayError(
      502,
      `The answer grew past ${this.max} bytes (MAX_ASSEMBLED_BYTES), the most the gateway assembles for a non-streaming request. Ask for it with stream: true, or with a lower max_tokens.`,
      { type: 'api_error', code: 'answer_too_large' },
    );
  }
}

/** The bytes of generated text, thinking and tool input an upstream event adds. */
export function eventBytes(event: Anthropic.RawMessageStreamEvent): number {
  if (event.type !== 'content_block_delta') return 0;
  const { delta } = event;
  switch (delta.type) {
    case 'text_delta':
      return Buffer.byteLength(delta.text);
    case 'thinking_delta':
      return Buffer.byteLength(delta.thinking);
    case 'input_json_delta':
      return Buffer.byteLength(delta.partial_json);
    default:
      return 0;
  }
}
