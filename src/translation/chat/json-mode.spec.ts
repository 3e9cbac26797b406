import type { ChatCompletionChunk } from './openai.types.js';
import { unfencedChunks } from './json-mode.js';
import { createStreamState, type StreamState } from './stream.mapper.js';

const chunk = (delta: ChatCompletionChunk['choices'][number]['delta'], finish: 'stop' | null = null): ChatCompletionChunk => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
});

async function* source(chunks: ChatCompletionChunk[]): AsyncGenerator<ChatCompletionChunk, StreamState> {
  yield* chunks;
  return createStreamState('m', false);
}

async function collect(chunks: ChatCompletionChunk[]) {
  const out: ChatCompletionChunk[] = [];
  const gen = unfencedChunks(source(chunks));
  for (;;) {
    const next = await gen.next();
    if (next.done) return { out, state: next.value };
    out.push(next.value);
  }
}

describe('unfencedChunks', () => {
  it('takes the fence off, drops chunks left empty, and passes held text before the finish', async () => {
    const { out, state } = await collect([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: '```json\n' }),
      chunk({ content: '{"a": 1}' }),
      chunk({ content: '\n```' }),
      chunk({}, 'stop'),
    ]);
    expect(out.map((c) => [c.choices[0].delta, c.choices[0].finish_reason])).toEqual([
      [{ role: 'assistant', content: '' }, null],
      [{ content: '{"a": 1}' }, null],
      [{}, 'stop'],
    ]);
    expect(state.model).toBe('m');
  });

  it('leaves an unfenced answer as it is', async () => {
    const { out } = await collect([chunk({ content: '{"a":' }), chunk({ content: ' 1}' }), chunk({}, 'stop')]);
    expect(out.map((c) => c.choices[0].delta.content ?? '').join('')).toBe('{"a": 1}');
  });
});
