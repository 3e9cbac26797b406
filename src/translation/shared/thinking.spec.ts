import type Anthropic from '@anthropic-ai/sdk';
import {
  lacksLoopThinking,
  signedThinkingFrom,
  thinkingOff,
  thinkingParams,
  toReasoningDetails,
  toThinkingBlocks,
  type Effort,
  type SignedThinking,
} from './thinking.js';

const adaptive = { type: 'adaptive', display: 'summarized' };

describe('thinkingParams', () => {
  it.each<[string, Effort | null, unknown]>([
    ['claude-sonnet-5-5', null, {}],
    ['claude-sonnet-5-5', 'minimal', { thinking: adaptive, effort: 'low' }],
    ['claude-sonnet-5-5', 'low', { thinking: adaptive, effort: 'low' }],
    ['claude-opus-5-5', 'medium', { thinking: adaptive, effort: 'medium' }],
    ['claude-opus-4-8', 'high', { thinking: adaptive, effort: 'high' }],
    ['claude-opus-4-7', 'xhigh', { thinking: adaptive, effort: 'xhigh' }],
    ['claude-fable-5-2', 'max', { thinking: adaptive, effort: 'max' }],
    ['claude-sonnet-4-6', 'low', { thinking: adaptive, effort: 'low' }],
    // Efforts a model does not take are lowered to the highest it does.
    ['claude-sonnet-4-6', 'xhigh', { thinking: adaptive, effort: 'high' }],
    ['claude-sonnet-4-6', 'max', { thinking: adaptive, effort: 'high' }],
    ['claude-opus-4-6', 'xhigh', { thinking: adaptive, effort: 'high' }],
    ['claude-opus-4-6', 'max', { thinking: adaptive, effort: 'max' }],
    ['claude-opus-4-5', 'minimal', { thinking: { type: 'enabled', budget_tokens: 1024 } }],
    ['claude-haiku-4-5-20251001', 'medium', { thinking: { type: 'enabled', budget_tokens: 8192 } }],
    ['claude-3-7-sonnet-latest', 'max', { thinking: { type: 'enabled', budget_tokens: 32_000 } }],
    // `none` turns thinking off as far as each model allows.
    ['claude-sonnet-5-5', 'none', { thinking: { type: 'between_tools' } }],
    ['claude-opus-5-5', 'none', { effort: 'low' }],
    ['claude-mythos-5-1', 'none', { effort: 'low' }],
    ['claude-opus-5', 'none', { thinking: { type: 'disabled' } }],
    ['claude-sonnet-4-5', 'none', { thinking: { type: 'disabled' } }],
    ['claude-future-9', 'high', { thinking: adaptive, effort: 'high' }],
  ])('%s, %s', (model, effort, expected) => {
    expect(thinkingParams(model, effort, 64_000)).toEqual(expected);
  });

  it('keeps a budget below max_tokens, and thinks not at all without room for the smallest budget', () => {
    expect(thinkingParams('claude-opus-4-5', 'high', 5000)).toEqual({ thinking: { type: 'enabled', budget_tokens: 4999 } });
    expect(thinkingParams('claude-opus-4-5', 'high', 1024)).toEqual({});
  });

  it('thinkingOff is what none sends', () => {
    expect(thinkingOff('claude-opus-4-8')).toEqual({ thinking: { type: 'disabled' } });
  });
});

const thinking: Anthropic.ThinkingBlockParam = { type: 'thinking', thinking: 'hm', signature: 'c2ln' };
const redacted: Anthropic.RedactedThinkingBlockParam = { type: 'redacted_thinking', data: 'opaque' };
const user = (text: string): Anthropic.MessageParam => ({ role: 'user', content: [{ type: 'text', text }] });
const call = (first?: SignedThinking): Anthropic.MessageParam => ({
  role: 'assistant',
  content: [...(first ? [first] : []), { type: 'tool_use', id: 't', name: 'f', input: {} }],
});
const result: Anthropic.MessageParam = { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'r' }] };

describe('lacksLoopThinking', () => {
  it.each<[string, Anthropic.MessageParam[], boolean]>([
    ['a plain question', [user('q')], false],
    ['a loop whose opener starts with thinking', [user('q'), call(thinking), result], false],
    ['a loop whose opener starts with redacted thinking', [user('q'), call(redacted), result], false],
    ['a loop whose opener has none', [user('q'), call(), result], true],
    ['a later step: only the opener counts', [user('q'), call(thinking), result, call(), result], false],
    ['an earlier loop without thinking, then a new question', [user('q'), call(), result, { role: 'assistant', content: 'a' }, user('q2')], false],
  ])('%s → %s', (_, turns, lacks) => {
    expect(lacksLoopThinking(turns)).toBe(lacks);
  });
});

describe('signed thinking in client message fields', () => {
  it('reads LiteLLM thinking_blocks, signed only', () => {
    expect(
      signedThinkingFrom({ thinking_blocks: [thinking, { type: 'thinking', thinking: 'unsigned' }, redacted, null] }),
    ).toEqual([thinking, redacted]);
  });

  it('reads OpenRouter reasoning_details of the Anthropic format', () => {
    expect(
      signedThinkingFrom({
        reasoning_details: [
          { type: 'reasoning.text', text: 'hm', signature: 'c2ln', format: 'anthropic-claude-v1', index: 0 },
          { type: 'reasoning.encrypted', data: 'opaque', format: 'anthropic-claude-v1', index: 1 },
          { type: 'reasoning.text', text: 'x', signature: 'gemini', format: 'google-gemini-v1' },
          { type: 'reasoning.summary', summary: 's' },
        ],
      }),
    ).toEqual([thinking, redacted]);
  });

  it('writes both fields so that each client finds its own, and reads back what it wrote', () => {
    const details = toReasoningDetails([thinking, redacted]);
    expect(details).toEqual([
      { type: 'reasoning.text', text: 'hm', signature: 'c2ln', format: 'anthropic-claude-v1', index: 0 },
      { type: 'reasoning.encrypted', data: 'opaque', format: 'anthropic-claude-v1', index: 1 },
    ]);
    expect(signedThinkingFrom({ reasoning_details: details })).toEqual([thinking, redacted]);
    expect(signedThinkingFrom({ thinking_blocks: toThinkingBlocks([thinking]) })).toEqual([thinking]);
  });

  it('finds nothing in messages without either field', () => {
    expect(signedThinkingFrom({})).toEqual([]);
    expect(signedThinkingFrom({ reasoning_details: 'junk' })).toEqual([]);
  });
});
