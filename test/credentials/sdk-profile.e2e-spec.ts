import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { oauthToken } from '../support/claude-home.js';
import { messageCalls, RULE, useFederationWorld } from '../support/federation.js';
import { ask, askForError, errorMessage, health } from '../support/login-gateway.js';

/**
 * ANTHROPIC_PROFILE: the SDK loads `<ANTHROPIC_CONFIG_DIR>/configs/<name>.json`
 * itself (the SDK reads ANTHROPIC_CONFIG_DIR from the process environment,
 * so the test sets it there) and keeps its token cache beside it.
 */
const world = useFederationWorld();
const noFederation = { ANTHROPIC_FEDERATION_RULE_ID: undefined, ANTHROPIC_ORGANIZATION_ID: undefined, ANTHROPIC_IDENTITY_TOKEN_FILE: undefined };
let configDir: string;
const saved = process.env.ANTHROPIC_CONFIG_DIR;

beforeEach(async () => {
  configDir = join(world.dir, 'anthropic');
  await mkdir(join(configDir, 'configs'), { recursive: true });
  process.env.ANTHROPIC_CONFIG_DIR = configDir;
});
afterAll(() => {
  if (saved === undefined) delete process.env.ANTHROPIC_CONFIG_DIR;
  else process.env.ANTHROPIC_CONFIG_DIR = saved;
});

const writeProfile = (name: string, config: unknown) => writeFile(join(configDir, 'configs', `${name}.json`), JSON.stringify(config));
const bearer = () => /^Bearer (.+)$/.exec(messageCalls(world.standIn).at(-1)?.headers.authorization ?? '')?.[1];

it('serves through a federation profile, with the SDK keeping its token cache in the config directory', async () => {
  await writeProfile('wif', {
    version: '1.0',
    organization_id: RULE.organizationId,
    authentication: { type: 'oidc_federation', federation_rule_id: RULE.ruleId, identity_token: { source: 'file', path: world.tokenFile } },
  });
  const gw = await world.start({ ...noFederation, ANTHROPIC_PROFILE: 'wif' });
  await ask(gw);
  expect(world.endpoint.tokens).toContain(bearer());
  const ready = await health(gw);
  expect(ready.body.details.credentials).toMatchObject({ status: 'up', source: 'sdk-profile', lastExchange: { outcome: 'ok' } });
  expect(gw.logs.text).toContain('Using credential source: sdk-profile (SDK profile "wif")');
  // The SDK's own cache of the exchanged token, owner-only.
  const cache = await stat(join(configDir, 'credentials', 'wif.json'));
  expect(cache.mode & 0o777).toBe(0o600);
});

it('serves through a user OAuth profile: the token the profile holds, as a Bearer with the OAuth beta', async () => {
  const token = oauthToken('profile');
  world.standIn.auth = { oauthTokens: [token] };
  await writeProfile('me', { version: '1.0', authentication: { type: 'user_oauth' } });
  await mkdir(join(configDir, 'credentials'), { recursive: true, mode: 0o700 });
  await writeFile(
    join(configDir, 'credentials', 'me.json'),
    JSON.stringify({ version: '1.0', type: 'oauth_token', access_token: token, expires_at: Math.floor(Date.now() / 1000) + 3600 }),
    { mode: 0o600 },
  );
  const gw = await world.start({ ...noFederation, ANTHROPIC_PROFILE: 'me' });
  await ask(gw);
  expect(bearer()).toBe(token);
  const credentials = (await health(gw)).body.details.credentials;
  expect(credentials).toMatchObject({ status: 'up', source: 'sdk-profile' });
  expect(credentials.expiresInSeconds).toBeGreaterThan(3500);
  expect(gw.logs.text).not.toContain(token.slice(-16));
});

it('a profile wins over the federation variables, as in the SDK', async () => {
  await writeProfile('wif', {
    organization_id: RULE.organizationId,
    authentication: { type: 'oidc_federation', federation_rule_id: RULE.ruleId, identity_token: { source: 'file', path: world.tokenFile } },
  });
  const gw = await world.start({ ANTHROPIC_PROFILE: 'wif' });
  await ask(gw);
  expect((await health(gw)).body.details.credentials.source).toBe('sdk-profile');
});

it('a profile that does not exist is a 401 naming it and the config directory', async () => {
  const gw = await world.start({ ...noFederation, ANTHROPIC_PROFILE: 'nowhere' });
  const error = await askForError(gw);
  expect(error.status).toBe(401);
  expect(errorMessage(error)).toMatch(/the SDK profile "nowhere" does not exist/);
  expect(errorMessage(error)).toMatch(/ANTHROPIC_CONFIG_DIR/);
  const ready = await health(gw);
  expect(ready.status).toBe(503);
  expect(ready.body.details.credentials).toMatchObject({ source: 'sdk-profile', lastExchange: { outcome: 'misconfigured' } });
});

it('finds a profile created after start-up: readiness looks for it again at each check', async () => {
  const gw = await world.start({ ...noFederation, ANTHROPIC_PROFILE: 'later' });
  expect((await health(gw)).status).toBe(503);
  await writeProfile('later', {
    organization_id: RULE.organizationId,
    authentication: { type: 'oidc_federation', federation_rule_id: RULE.ruleId, identity_token: { source: 'file', path: world.tokenFile } },
  });
  const ready = await health(gw);
  expect(ready.status).toBe(200);
  expect(ready.body.details.credentials).toMatchObject({ source: 'sdk-profile', lastExchange: { outcome: 'ok' } });
});
