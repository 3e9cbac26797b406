import { takesMidConversationSystem } from './system-placement.js';

describe('takesMidConversationSystem', () => {
  it.each([
    ['claude-opus-4-8', true],
    ['claude-opus-5-5', true],
    ['claude-sonnet-5', true],
    ['claude-sonnet-5-5', true],
    ['claude-haiku-5-5', true],
    ['claude-fable-5-2', true],
    ['claude-mythos-5-1', true],
    ['claude-opus-4-7', false],
    ['claude-sonnet-4-6', false],
    ['claude-haiku-4-5-20251001', false],
    ['claude-mythos-preview', false],
    ['gpt-4o', false],
  ])('%s → %s', (model, takes) => {
    expect(takesMidConversationSystem(model)).toBe(takes);
  });
});
