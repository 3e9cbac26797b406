import 'reflect-metadata';
import { InvalidEnvironmentError, validateEnvironment } from './environment.js';

describe('credential and refresh settings', () => {
  it('places the Claude Code config dir under the given HOME, as Claude Code does', () => {
    expect(validateEnvironment({ HOME: '/srv/gw' }).CLAUDE_CONFIG_DIR).toBe('/srv/gw/.claude');
  });

  it('lets CLAUDE_CONFIG_DIR win over HOME', () => {
    expect(validateEnvironment({ HOME: '/srv/gw', CLAUDE_CONFIG_DIR: '/etc/claude' }).CLAUDE_CONFIG_DIR).toBe('/etc/claude');
  });

  it('has the documented refresh defaults', () => {
    expect(validateEnvironment({})).toMatchObject({
      REFRESH_COMMAND: 'claude -p /cost',
      REFRESH_AHEAD_MINUTES: 4,
      REFRESH_TIMEOUT_MS: 60_000,
      REFRESH_CHECK_CRON: '0 * * * * *',
      REFRESH_RETRY_SECONDS: 30,
    });
  });

  it.each([
    ['REFRESH_COMMAND', 'claude -p "unclosed'],
    ['REFRESH_COMMAND', '"" --version'],
    ['REFRESH_CHECK_CRON', 'every minute'],
    ['REFRESH_AHEAD_MINUTES', '-1'],
    ['REFRESH_RETRY_SECONDS', '-1'],
  ])('rejects %s=%s at start-up', (name, value) => {
    expect(() => validateEnvironment({ [name]: value })).toThrow(InvalidEnvironmentError);
    expect(() => validateEnvironment({ [name]: value })).toThrow(name);
  });
});

describe('PROXY_API_KEYS', () => {
  it('accepts a comma-separated list of long keys', () => {
    expect(validateEnvironment({ PROXY_API_KEYS: 'aaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbb' }).PROXY_API_KEYS).toBeDefined();
  });

  it.each([' , ', '', ','])('fails closed on a value with no key (%j) instead of turning authentication off', (value) => {
    expect(() => validateEnvironment({ PROXY_API_KEYS: value })).toThrow('PROXY_API_KEYS');
  });

  it('rejects a short key without echoing it', () => {
    expect(() => validateEnvironment({ PROXY_API_KEYS: 'aaaaaaaaaaaaaaaa,short' })).toThrow('PROXY_API_KEYS');
    expect(() => validateEnvironment({ PROXY_API_KEYS: 'aaaaaaaaaaaaaaaa,short' })).not.toThrow('short');
  });
});
