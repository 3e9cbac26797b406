import { GatewayError } from '../common/gateway-error.js';
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
  ])('%s', (upstream, message, param) => {
    expect(rewriteUpstreamPath(upstream, paths)).toEqual({ message, param });
  });

  it.each(['max_tokens: too large', 'messages.9.content.0: out of range', 'system.0.text: empty'])('leaves %s alone', (upstream) => {
    expect(rewriteUpstreamPath(upstream, paths)).toBeNull();
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
