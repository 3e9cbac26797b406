import { createFenceState, endFenced, pushFenced } from '../../translation/json-fence.js';
import type { ChatCompletionChunk } from './openai.types.js';
import type { StreamState } from './stream.mapper.js';

type Chunks = AsyncGenerator<ChatCompletionChunk, StreamState>;

/**
 * JSON mode (`response_format: json_object`): the chunks with a Markdown fence
 * around the answer taken off (json-fence.ts), for streaming and non-streaming
 * clients alike. Text held back while it may be a closing fence is passed on
 * before the chunk that carries the finish reason.
 */
export async function* unfencedChunks(chunks: Chunks): Chunks {
  const fence = createFenceState();
  for (;;) {
    const next = await chunks.next();
    if (next.done) return next.value;
    const chunk = next.value;
    const choice = chunk.choices[0];
    if (!choice) {
      yield chunk;
      continue;
    }
    const { content, ...rest } = choice.delta;
    let delta = choice.delta;
    if (content) {
      const passed = pushFenced(fence, content);
      delta = passed ? { ...rest, content: passed } : rest;
      if (!passed && Object.keys(rest).length === 0 && !choice.finish_reason) continue;
    }
    if (choice.finish_reason) {
      const held = endFenced(fence);
      if (held) yield { ...chunk, choices: [{ ...choice, delta: { content: held }, finish_reason: null }] };
    }
    yield { ...chunk, choices: [{ ...choice, delta }] };
  }
}
