import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentialEntries } from './credential-pool-file.js';
import { validateEnvironment } from './environment.js';

const KEY = 'sk-ant-api03-team-key-secret-0123456789';
const TOKEN = 'sk-ant-oat01-max-plan-secret-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'ccp-pool-'));

function load(text: string, file = 'pool.json', extra: Record<string, string> = {}) {
  const path = join(dir, file);
  writeFileSync(path, text);
  const raw = { CREDENTIALS_FILE: path, ...extra };
  return credentialEntries(validateEnvironment(raw), raw);
}

/** The start-up error's text, which must name problems and never hold a secret. */
function problems(text: string, file?: string, extra?: Record<string, string>): string {
  try {
    load(text, file, extra);
  } catch (error) {
    const message = (error as Error).message;
    for (const secret of [KEY, TOKEN]) expect(message).not.toContain(secret.slice(-16));
    return message;
  }
  throw new Error('expected a start-up error');
}

it('reads JSON and YAML, in order, secrets from values or from named variables', () => {
  const json = load(
    JSON.stringify({
      credentials: [
        { name: 'team-key', apiKeyEnv: 'TEAM_KEY' },
        { name: 'max-plan', accessToken: TOKEN },
        { name: 'laptop', credentialsFile: '/home/me/.claude/.credentials.json' },
      ],
    }),
    'pool.json',
    { TEAM_KEY: KEY },
  );
  expect(json).toEqual({
    fromFile: true,
    list: [
      { name: 'team-key', kind: 'api-key', secret: KEY },
      { name: 'max-plan', kind: 'oauth-token', secret: TOKEN },
      { name: 'laptop', kind: 'claude-login', configDir: '/home/me/.claude' },
    ],
  });
  const yaml = load(`credentials:\n  - name: max-plan\n    accessTokenEnv: MAX_TOKEN\n  - name: team-key\n    apiKey: ${KEY}\n`, 'pool.yaml', { MAX_TOKEN: TOKEN });
  expect(yaml.list.map((c) => [c.name, c.kind])).toEqual([['max-plan', 'oauth-token'], ['team-key', 'api-key']]);
});

it('without CREDENTIALS_FILE, the single-credential variables are a pool of one named default', () => {
  const raw = { ANTHROPIC_API_KEY: KEY };
  expect(credentialEntries(validateEnvironment(raw), raw)).toEqual({ fromFile: false, list: [{ name: 'default', kind: 'api-key', secret: KEY }] });
});

it('names every problem by credential and field, all at once, never a value', () => {
  const message = problems(
    JSON.stringify({
      credentials: [
        { name: 'Team Key', apiKey: KEY },
        { name: 'max-plan', apiKey: TOKEN },
        { name: 'max-plan', accessToken: 'short' },
        { name: 'two', apiKey: KEY, accessToken: TOKEN },
        { name: 'env', apiKeyEnv: 'NOT_SET' },
        { name: 'odd', apiKey: KEY, colour: 'blue' },
        { name: 'login', credentialsFile: '/tmp/login.json' },
        { name: 'newline', apiKey: `${KEY}\n` },
      ],
    }),
  );
  expect(message).toContain('credentials[0].name: must be 1-63 characters of a-z, 0-9 and -');
  expect(message).toContain('credentials[1] (max-plan).apiKey: holds an OAuth token (sk-ant-oat…); put it in accessToken');
  expect(message).toContain('credentials[2] (max-plan).name: used by an earlier credential');
  expect(message).toContain('credentials[2] (max-plan).accessToken: too short');
  expect(message).toContain('credentials[3] (two): needs exactly one of apiKey, apiKeyEnv, accessToken, accessTokenEnv, credentialsFile, federation, profile (has apiKey, accessToken)');
  expect(message).toContain('credentials[4] (env).apiKeyEnv: the environment variable NOT_SET is not set');
  expect(message).toContain('credentials[5] (odd).colour: unknown field');
  expect(message).toContain('credentials[6] (login).credentialsFile: must be a Claude Code login, a path ending in /.credentials.json');
  expect(message).toContain('credentials[7] (newline).apiKey: contains a control character');
});

it('a file that does not parse says where, without quoting it', () => {
  expect(problems(`credentials:\n  - name: a\n    apiKey: "${KEY}\n`, 'pool.yaml')).toMatch(/is not valid YAML or JSON \(line \d+\)/);
  expect(problems(`{"credentials": [{"name": "a", "apiKey": "${KEY}"}`)).toContain('is not valid JSON');
  expect(problems('{"credentials": []}')).toContain('at least one credential');
});

it('CREDENTIALS_FILE beside a single-credential variable: a start-up error that says which would win', () => {
  expect(problems(JSON.stringify({ credentials: [{ name: 'a', apiKey: KEY }] }), 'pool.json', { ANTHROPIC_API_KEY: KEY })).toContain(
    'CREDENTIALS_FILE: ANTHROPIC_API_KEY is set too; CREDENTIALS_FILE would win over it, so unset one or the other',
  );
});

it('at most one Claude Code login (one refresh schedule)', () => {
  const two = { credentials: [{ name: 'a', credentialsFile: '/a/.credentials.json' }, { name: 'b', credentialsFile: '/b/.credentials.json' }] };
  expect(problems(JSON.stringify(two))).toContain('a, b: at most one credentialsFile entry is supported');
});

describe('entries the SDK obtains tokens for (workload identity federation, an SDK profile)', () => {
  const federation = { ruleId: 'fdrl_01example', organizationId: 'org-1', identityTokenFile: '/var/run/secrets/anthropic.com/token' };

  it('reads a federation entry and a profile entry, beside the other kinds', () => {
    const pool = load(
      JSON.stringify({
        credentials: [
          { name: 'wif', federation: { ...federation, workspaceId: 'wrkspc_01' } },
          { name: 'prod', profile: 'prod' },
          { name: 'team-key', apiKey: KEY },
        ],
      }),
    );
    expect(pool.list).toEqual([
      { name: 'wif', kind: 'sdk', fields: { federation: { ...federation, workspaceId: 'wrkspc_01' } } },
      { name: 'prod', kind: 'sdk', fields: { profile: 'prod' } },
      { name: 'team-key', kind: 'api-key', secret: KEY },
    ]);
  });

  it('names each problem by credential and field, never a value', () => {
    const message = problems(
      JSON.stringify({
        credentials: [
          { name: 'wif', federation: { ruleId: 'fdrl_secretish-rule', identityTokenFile: '', colour: 'x' } },
          { name: 'prod', profile: '../etc' },
          { name: 'both', profile: 'p', federation },
          { name: 'flat', federation: 'fdrl_x' },
        ],
      }),
    );
    expect(message).toContain('credentials[0] (wif): "federation.colour" is not a known field');
    expect(message).toContain('credentials[0] (wif): "federation.organizationId" must be a non-empty string');
    expect(message).toContain('credentials[0] (wif): "federation.identityTokenFile" must be a non-empty string');
    expect(message).toContain('credentials[1] (prod): "profile" must be a profile name');
    expect(message).toContain('credentials[2] (both): needs exactly one of');
    expect(message).toContain('credentials[3] (flat): "federation" must be an object');
    expect(message).not.toContain('fdrl_secretish-rule');
    expect(message).not.toContain('../etc');
  });

  it('without CREDENTIALS_FILE, API key > OAuth token > SDK profile > workload identity > Claude Code login, as a pool of one', () => {
    const variables = {
      ANTHROPIC_FEDERATION_RULE_ID: federation.ruleId,
      ANTHROPIC_ORGANIZATION_ID: federation.organizationId,
      ANTHROPIC_IDENTITY_TOKEN_FILE: federation.identityTokenFile,
    };
    const single = (raw: Record<string, string>) => credentialEntries(validateEnvironment(raw), raw).list;
    expect(single({ ...variables, ANTHROPIC_PROFILE: 'prod', CLAUDE_CODE_OAUTH_TOKEN: TOKEN })).toEqual([{ name: 'default', kind: 'oauth-token', secret: TOKEN }]);
    expect(single({ ...variables, ANTHROPIC_PROFILE: 'prod' })).toEqual([{ name: 'default', kind: 'sdk', fields: { profile: 'prod' } }]);
    expect(single(variables)).toEqual([{ name: 'default', kind: 'sdk', fields: { federation } }]);
  });

  it('CREDENTIALS_FILE beside ANTHROPIC_PROFILE or ANTHROPIC_FEDERATION_RULE_ID is a start-up error', () => {
    const file = JSON.stringify({ credentials: [{ name: 'a', apiKey: KEY }] });
    expect(problems(file, 'pool.json', { ANTHROPIC_PROFILE: 'prod' })).toContain('CREDENTIALS_FILE: ANTHROPIC_PROFILE is set too');
    expect(problems(file, 'pool.json', { ANTHROPIC_FEDERATION_RULE_ID: 'fdrl_1', ANTHROPIC_ORGANIZATION_ID: 'o', ANTHROPIC_IDENTITY_TOKEN_FILE: '/t' })).toContain(
      'CREDENTIALS_FILE: ANTHROPIC_FEDERATION_RULE_ID is set too',
    );
  });
});
