import { GatewayError } from '../../common/errors/gateway-error.js';
import { rewriteUpstreamPath, withClientPath } from './error-paths.js';

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
    // A message as a whole: the client's message its first block came from.
    [
      'messages.2: `tool_use` ids were found without `tool_result` blocks immediately after: t1.',
      'messages[3]: `tool_use` ids were found without `tool_result` blocks immediately after: t1.',
      'messages[3]',
    ],
    ['messages.1.role: unexpected role', 'messages[2].role: unexpected role', 'messages[2].role'],
    ['messages.0: first message must use the "user" role', 'messages[0]: first message must use the "user" role', 'messages[0]'],
  ])('%s', (upstream, message, param) => {
    expect(rewriteUpstreamPath(upstream, paths)).toEqual({ message, param });
  });

  it.each(['max_tokens: too large', 'messages.9.content.0: out of range', 'messages.9: out of range', 'system.0.text: empty'])(
    'leaves %s alone',
    (upstream) => {
      expect(rewriteUpstreamPath(upstream, paths)).toBeNull();
    },
  );

  it.each([
    ['a Responses input item', [['input[6].arguments']], 'input[6]'],
    ['the instructions', [['instructions']], 'instructions'],
    ['a placeholder turn before the first block with a path', [['', 'messages[0].content']], 'messages[0]'],
  ])('names a whole message by %s', (_name, blockPaths, param) => {
    expect(rewriteUpstreamPath('messages.0: bad turn', blockPaths)).toEqual({ message: `${param}: bad turn`, param });
  });

  it.each([
    [paths, 'messages: final assistant content cannot end with trailing whitespace', 'messages'],
    [[['instructions'], ['input[0].content']], 'input: final assistant content cannot end with trailing whitespace', 'input'],
  ])('names the conversation as a whole by the client’s name for it', (blockPaths, message, param) => {
    expect(rewriteUpstreamPath('messages: final assistant content cannot end with trailing whitespace', blockPaths)).toEqual({ message, param });
  });

  it('leaves a message alone when none of its blocks has a path (the placeholder user turn)', () => {
    expect(rewriteUpstreamPath('messages.0: bad turn', [[''], ['messages[0]']])).toBeNull();
  });
});

describe('withClientPath', () => {
  const badId = () => new GatewayError(400, 'messages.2.content.0.tool_use_id: bad', { type: 'invalid_request_error' });

  it('renames a 400 that names a block, working the paths out only then', () => {
    let worked = 0;
    const lazy = () => {
      worked++;
      return paths;
    };
    expect(withClientPath(badId(), lazy)).toMatchObject({ status: 400, param: 'messages[3].tool_use_id', message: 'messages[3].tool_use_id: bad' });
    expect(withClientPath(badId(), paths)).toMatchObject({ param: 'messages[3].tool_use_id' });
    expect(worked).toBe(1);
  });

  it.each([
    new GatewayError(429, 'messages.2.content.0: rate limited', { code: 'rate_limit_exceeded' }),
    new GatewayError(503, 'overloaded', { code: 'overloaded' }),
    new GatewayError(499, 'The client closed the request.'),
    new Error('not ours'),
  ])('leaves %p alone without working the paths out', (error) => {
    let worked = 0;
    const lazy = () => {
      worked++;
      return paths;
    };
    expect(withClientPath(error, lazy)).toBe(error);
    expect(worked).toBe(0);
  });
});
