import { forwardedHeaders } from './forwarded-headers.js';

describe('forwardedHeaders', () => {
  it("passes Anthropic's headers byte for byte and nothing of the client's credentials or connection", () => {
    const beta = 'claude-code-20250219,interleaved-thinking-2025-05-14, fine-grained-tool-streaming-2025-05-14';
    expect(
      forwardedHeaders({
        'anthropic-version': '2023-06-01',
        'anthropic-beta': beta,
        'anthropic-dangerous-direct-browser-access': 'true',
        authorization: 'Bearer client-key',
        'x-api-key': 'client-key',
        cookie: 'session=1',
        host: 'gateway:8080',
        'content-length': '42',
        'content-encoding': 'gzip',
        'user-agent': 'claude-cli/2.1.300',
        'x-stainless-os': 'Linux',
      }),
    ).toEqual({
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': beta,
      'anthropic-dangerous-direct-browser-access': 'true',
    });
  });

  it('drops a header the Connection header names as hop-by-hop, and removes the SDK default version when the client sent none', () => {
    expect(forwardedHeaders({ connection: 'keep-alive, Anthropic-Trace', 'anthropic-trace': 'x', 'anthropic-beta': 'b' })).toEqual({
      'content-type': 'application/json',
      'anthropic-version': null,
      'anthropic-beta': 'b',
    });
  });
});
