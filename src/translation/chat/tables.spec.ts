import { defaultMaxTokens, finishReason } from './tables.js';

describe('finishReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    [null, 'stop'],
  ] as const)('%s → %s', (stop, finish) => {
    expect(finishReason(stop)).toBe(finish);
  });
});

describe('defaultMaxTokens', () => {
  it.each([
    ['claude-opus-5-5', 128_000],
    ['claude-sonnet-5-5', 128_000],
    ['claude-haiku-5-5', 128_000],
    ['claude-fable-5-2', 128_000],
    ['claude-opus-4-6', 128_000],
    ['claude-sonnet-4-6', 128_000],
    ['claude-opus-4-5-20251101', 64_000],
    ['claude-sonnet-4-5', 64_000],
    ['claude-haiku-4-5-20251001', 64_000],
    ['claude-opus-4-1-20250805', 32_000],
    ['claude-sonnet-4-20250514', 64_000],
    ['claude-3-7-sonnet-latest', 64_000],
    ['claude-3-5-haiku-latest', 8_192],
    ['claude-3-haiku-20240307', 4_096],
    ['some-future-model', 128_000],
  ])('%s → %d', (model, tokens) => {
    expect(defaultMaxTokens(model)).toBe(tokens);
  });
});
