import { rewriteUpstreamPath } from './error-paths.js';

const paths = [['messages[0].content'], ['messages[2]', 'messages[2].tool_calls[0]'], ['messages[3]']];

describe('rewriteUpstreamPath', () => {
  it.each([
    [
      "messages.1.content.1.id: String should match pattern '^[a-zA-Z0-9_-]+$'",
      "messages[2].tool_calls[0].id: String should match pattern '^[a-zA-Z0-9_-]+$'",
      'messages[2].tool_calls[0].id',
    ],
    ['messages.2.content.0.tool_use_id: bad', 'messages[3].tool_use_id: bad', 'messages[3].tool_use_id'],
    ['messages.0.content.0: too long', 'messages[0].content: too long', 'messages[0].content'],
    ['messages.1.content.0.input.items.3: x', 'messages[2].input.items[3]: x', 'messages[2].input.items[3]'],
  ])('%s', (upstream, message, param) => {
    expect(rewriteUpstreamPath(upstream, paths)).toEqual({ message, param });
  });

  it.each(['max_tokens: too large', 'messages.9.content.0: out of range', 'system.0.text: empty'])('leaves %s alone', (upstream) => {
    expect(rewriteUpstreamPath(upstream, paths)).toBeNull();
  });
});
