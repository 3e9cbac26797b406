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

describe('metrics, logs and tracing settings', () => {
  it('has metrics on, on the main port, open, and tracing off by default', () => {
    const env = validateEnvironment({});
    expect(env).toMatchObject({ METRICS_ENABLED: 'true', METRICS_AUTH: 'open', OTEL_SERVICE_NAME: 'claude-code-proxy' });
    expect(env.METRICS_PORT).toBeUndefined();
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
  });

  it('refuses METRICS_AUTH=client-keys without PROXY_API_KEYS, which would lock /metrics for everyone', () => {
    expect(() => validateEnvironment({ METRICS_AUTH: 'client-keys' })).toThrow('METRICS_AUTH');
    expect(validateEnvironment({ METRICS_AUTH: 'client-keys', PROXY_API_KEYS: 'aaaaaaaaaaaaaaaa' }).METRICS_AUTH).toBe('client-keys');
  });

  it.each([
    ['METRICS_ENABLED', 'yes'],
    ['METRICS_PORT', '70000'],
    ['METRICS_AUTH', 'token'],
    ['LOG_FORMAT', 'text'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318'],
  ])('rejects %s=%s at start-up', (name, value) => {
    expect(() => validateEnvironment({ [name]: value })).toThrow(name);
  });
});

describe('credential and key variables', () => {
  it.each(['ANTHROPIC_API_KEY', 'CLAUDE_ACCESS_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN', 'PROXY_API_KEYS'])(
    'rejects %s with a control character, naming the variable and never echoing the value',
    (name) => {
      for (const value of ['sk-ant-x\nSECRETSECRET', 'tab\there-0123456789abcdef', 'bell\u0007-0123456789abcdef', 'del\u007f-0123456789abcdef']) {
        let message = '';
        try {
          validateEnvironment({ [name]: value });
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidEnvironmentError);
          message = (error as Error).message;
        }
        expect(message).toContain(`${name}: `);
        expect(message).toContain('control characters');
        expect(message).not.toContain('SECRET');
        expect(message).not.toContain('0123456789abcdef');
      }
    },
  );
});

describe('a credential in the other kind\'s variable', () => {
  const messageOf = (raw: Record<string, string>) => {
    try {
      validateEnvironment(raw);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEnvironmentError);
      return (error as Error).message;
    }
    return '';
  };

  it('names the OAuth variable for an OAuth token (what `claude setup-token` prints) put in ANTHROPIC_API_KEY, never echoing it', () => {
    const message = messageOf({ ANTHROPIC_API_KEY: 'sk-ant-oat01-SECRETSECRET-0123456789abcdef' });
    expect(message).toContain('ANTHROPIC_API_KEY: holds an OAuth token');
    expect(message).toContain('set it as CLAUDE_CODE_OAUTH_TOKEN instead');
    expect(message).not.toContain('SECRET');
  });

  it.each(['CLAUDE_CODE_OAUTH_TOKEN', 'CLAUDE_ACCESS_TOKEN'])('names ANTHROPIC_API_KEY for a Console API key put in %s', (name) => {
    const message = messageOf({ [name]: 'sk-ant-api03-SECRETSECRET-0123456789abcdef' });
    expect(message).toContain(`${name}: holds a Console API key`);
    expect(message).toContain('set it as ANTHROPIC_API_KEY instead');
    expect(message).not.toContain('SECRET');
  });

  it('accepts each kind in its own variable', () => {
    expect(
      validateEnvironment({ ANTHROPIC_API_KEY: 'sk-ant-api03-0123456789abcdef', CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-0123456789abcdef' }),
    ).toMatchObject({ ANTHROPIC_API_KEY: 'sk-ant-api03-0123456789abcdef', CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-0123456789abcdef' });
  });
});
