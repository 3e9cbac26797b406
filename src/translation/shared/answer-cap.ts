import type Anthropic from '@anthropic-ai/sdk';
import { GatewayError } from '../../common/errors/gateway-error.js';

/**
 * MAX_ASSEMBLED_BYTES, and what an answer held in memory has used of it so
 * far. Past the cap the caller stops reading (which stops upstream) and the
 * client is told why. Shared by every endpoint that assembles an answer:
 * non-streaming answers, and Responses streams, whose closing events
 * (`response.output_text.done`, `response.completed`) carry the answer whole.
 */
export class AnswerCap {
  private bytes = 0;

  /** `streamed`: the answer is a stream that holds a copy for its closing events (the advice differs). */
  constructor(
    readonly max: number,
    private readonly streamed = false,
  ) {}

  /** Counts `bytes` more; false once the answer would grow past the cap. */
  take(bytes: number): boolean {
    this.bytes += bytes;
    return this.bytes <= this.max;
  }

  error(): GatewayError {
    const advice = this.streamed
      ? 'the most the gateway holds of a streamed Responses answer, whose closing events carry it whole. Ask for a lower max_output_tokens, or use /v1/chat/completions, which streams without holding the answer.'
      : 'the most the gateway assembles for a non-streaming request. Ask for it with stream: true, or with a lower max_tokens.';
    return new GatewayError(502, `The answer grew past ${this.max} bytes (MAX_ASSEMBLED_BYTES), ${advice}`, {
      type: 'api_error',
      code: 'answer_too_large',
    });
  }
}

/**
 * The bytes an upstream event adds to what is held: generated text,
 * thinking and its signature, tool input, and the sources a citation names.
 */
export function eventBytes(event: Anthropic.RawMessageStreamEvent): number {
  if (event.type === 'content_block_start') return startBytes(event.content_block);
  if (event.type !== 'content_block_delta') return 0;
  const { delta } = event;
  switch (delta.type) {
    case 'text_delta':
      return Buffer.byteLength(delta.text);
    case 'thinking_delta':
      return Buffer.byteLength(delta.thinking);
    case 'signature_delta':
      return delta.signature.length;
    case 'input_json_delta':
      return Buffer.byteLength(delta.partial_json);
    case 'citations_delta':
      return citationBytes(delta.citation);
    default:
      return 0;
  }
}

/** A block may start with text of its own (upstream sends it empty, but nothing says it must). */
function startBytes(block: Anthropic.RawContentBlockStartEvent['content_block']): number {
  switch (block.type) {
    case 'text':
      return Buffer.byteLength(block.text);
    case 'thinking':
      return Buffer.byteLength(block.thinking ?? '') + (block.signature ?? '').length;
    default:
      return 0;
  }
}

/** A citation as the Responses mapper keeps it (a URL and a title); other kinds are not kept. */
function citationBytes(citation: Anthropic.CitationsDelta['citation']): number {
  if (citation.type !== 'web_search_result_location') return 0;
  return Buffer.byteLength(citation.url) + Buffer.byteLength(citation.title ?? '');
}
