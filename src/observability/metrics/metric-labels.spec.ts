import { modelLabel, routeLabel, upstreamErrorType } from './metric-labels.js';

describe('modelLabel keeps the model label to a small, fixed set', () => {
  it.each([
    ['claude-sonnet-5-5', 'claude-sonnet-5-5'],
    ['claude-opus-5', 'claude-opus-5'],
    ['claude-haiku-4-5', 'claude-haiku-4-5'],
    ['claude-fable-5-2', 'claude-fable-5-2'],
    ['claude-opus-4-5-20251101', 'claude-opus-4-5'],
    ['claude-sonnet-latest', 'claude-sonnet'],
    ['claude-sonnet-55-5', 'claude-sonnet'],
    ['claude-opus-4-5-2025110199', 'claude-opus'],
    ['gpt-4o', 'other'],
    ['claude-3-opus', 'other'],
    ['sk-ant-api03-secret', 'other'],
    ['', 'other'],
    [undefined, 'other'],
    [42, 'other'],
  ])('%j → %s', (model, label) => {
    expect(modelLabel(model)).toBe(label);
    // Again, now that it is remembered.
    expect(modelLabel(model)).toBe(label);
  });

  it('labels ids the same once it remembers no more of them', () => {
    for (let i = 0; i < 1000; i++) modelLabel(`invented-${i}`);
    expect(modelLabel('claude-haiku-4-5-20251001')).toBe('claude-haiku-4-5');
    expect(modelLabel(`claude-opus-5-${'x'.repeat(200)}`)).toBe('claude-opus');
  });

  it('gives at most a few hundred values for any number of invented names', () => {
    const labels = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      labels.add(modelLabel(`claude-${['opus', 'sonnet', 'x'][i % 3]}-${i % 97}-${i % 13}-${i}`));
      labels.add(modelLabel(`model-${i}`));
    }
    expect(labels.size).toBeLessThan(450);
  });
});

describe('routeLabel', () => {
  it.each([
    ['/v1/chat/completions', '/v1/chat/completions'],
    ['/v1/responses', '/v1/responses'],
    ['/v1/responses/:id', '/v1/responses/:id'],
    ['/v1/responses/resp_123', 'other'],
    ['/v1/models/:id', '/v1/models/:id'],
    ['/metrics', '/metrics'],
    ['/v1/models/claude-opus-5', 'other'],
    [undefined, 'other'],
    ['/v1/{*path}', 'other'],
  ])('%j → %s', (pattern, label) => {
    expect(routeLabel(pattern)).toBe(label);
  });
});

describe('upstreamErrorType', () => {
  it.each([
    [429, 'rate_limit_exceeded', true, 'rate_limited'],
    [503, 'overloaded', true, 'overloaded'],
    [500, null, true, 'server_error'],
    [502, 'upstream_unreachable', true, 'connection'],
    [502, 'upstream_connection_broken', true, 'broken_stream'],
    [502, 'upstream_stream_incomplete', true, 'broken_stream'],
    [502, 'upstream_malformed_event', false, 'malformed'],
    [504, 'upstream_timeout', false, 'timeout'],
    [400, null, true, 'rejected'],
    [401, 'invalid_api_key', true, 'rejected'],
  ])('%i %s (from upstream: %s) → %s', (status, code, fromUpstream, type) => {
    expect(upstreamErrorType(status, code, fromUpstream)).toBe(type);
  });

  it.each([
    [400, null],
    [401, 'credentials_unavailable'],
    [499, null],
    [500, 'internal_error'],
  ])('%i %s from the gateway itself is no upstream error', (status, code) => {
    expect(upstreamErrorType(status, code, false)).toBeNull();
  });
});
