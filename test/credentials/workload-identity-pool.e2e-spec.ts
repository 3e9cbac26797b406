import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { METRIC } from '../../src/observability/metrics/gateway-metrics.js';
import { errorReply } from '../support/anthropic-stand-in.js';
import { messageCalls, RULE, useFederationWorld } from '../support/federation.js';
import { TEST_API_KEY } from '../support/gateway.js';
import { ask, health } from '../support/login-gateway.js';
import { Scrape } from '../support/metrics.js';

/**
 * A workload identity entry in CREDENTIALS_FILE, first, before an API key:
 * it serves while a token can be obtained and Anthropic takes it, and
 * otherwise the request moves on to the key, as for any pool entry.
 */
const world = useFederationWorld();

/** Which credential a Messages call carried: the federation entry's token (Bearer) or the key (x-api-key). */
function carried(index: number): 'wif' | 'team' | 'none' {
  const headers = messageCalls(world.standIn).at(index)!.headers;
  if (headers['x-api-key'] === TEST_API_KEY && headers.authorization === undefined) return 'team';
  const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
  return bearer && world.endpoint.tokens.includes(bearer) ? 'wif' : 'none';
}

async function startPool() {
  const file = join(world.dir, 'pool.json');
  const credentials = [
    { name: 'wif', federation: { ruleId: RULE.ruleId, organizationId: RULE.organizationId, identityTokenFile: world.tokenFile } },
    { name: 'team', apiKeyEnv: 'TEAM_KEY' },
  ];
  await writeFile(file, JSON.stringify({ credentials }), { mode: 0o600 });
  // The single-credential federation variables would be a start-up error beside CREDENTIALS_FILE.
  return world.start({
    ANTHROPIC_FEDERATION_RULE_ID: undefined,
    ANTHROPIC_ORGANIZATION_ID: undefined,
    ANTHROPIC_IDENTITY_TOKEN_FILE: undefined,
    CREDENTIALS_FILE: file,
    TEAM_KEY: TEST_API_KEY,
  });
}

beforeEach(() => {
  // An hour: nothing but a 401 or a failed exchange makes it exchange again.
  world.endpoint.lifetimeSeconds = 3600;
  world.standIn.auth = { apiKeys: [TEST_API_KEY], issuedTokens: world.endpoint.verdict };
});

/** Neither the identity token, an issued token nor the key in `text`. */
function noSecretsIn(text: string) {
  for (const secret of [...world.written, ...world.endpoint.tokens, TEST_API_KEY]) expect(text).not.toContain(secret.slice(-16));
}

it('serves with the federation entry first; readiness names each by name with the token\'s expiry, never the token', async () => {
  const gw = await startPool();
  await ask(gw);
  expect(carried(-1)).toBe('wif');
  const ready = await health(gw);
  expect(ready.status).toBe(200);
  const pool = ready.body.details.credentials.pool;
  expect(pool.wif).toMatchObject({ state: 'usable', lastExchange: { outcome: 'ok' } });
  expect(pool.wif.expiresInSeconds).toBeGreaterThan(3000);
  expect(pool.team).toEqual({ state: 'usable' });
  noSecretsIn(ready.text);
  const scrape = await Scrape.from(gw.url);
  expect(scrape.value(METRIC.credentialExchanges, { credential: 'wif', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
  expect(scrape.samples(METRIC.credentialExpiry, { credential: 'wif' })).toHaveLength(1);
  expect(gw.logs.text).toContain('Using credential source: credentials-file (wif: sdk, team: api-key)');
});

it('an exchange the rule rejects: the request moves on to the API key, and readiness shows the entry signed out with the reason', async () => {
  world.endpoint.trusted.clear();
  const gw = await startPool();
  const completion = await ask(gw);
  expect(completion.choices[0].message.content).toBe('Hello from the stand-in.');
  expect(messageCalls(world.standIn)).toHaveLength(1);
  expect(carried(0)).toBe('team');
  const ready = await health(gw);
  expect(ready.status).toBe(200);
  expect(ready.body.details.credentials.pool.wif).toMatchObject({ state: 'signed out', lastExchange: { outcome: 'rejected' } });
  expect(ready.body.details.credentials.pool.wif.reason).toMatch(/rejected the token exchange/);
  expect(ready.body.details.credentials.pool.team).toEqual({ state: 'usable' });
  const scrape = await Scrape.from(gw.url);
  expect(scrape.value(METRIC.failovers, { reason: 'signed_out' })).toBeGreaterThanOrEqual(1);
  expect(scrape.value(METRIC.credentialExchanges, { credential: 'wif', outcome: 'rejected' })).toBeGreaterThanOrEqual(1);
  noSecretsIn(ready.text);
  noSecretsIn(gw.logs.text);
});

it('Anthropic refuses the issued tokens: one fresh exchange and retry, then the second 401 moves the request on to the API key', async () => {
  const gw = await startPool();
  const exchangesAtStart = world.endpoint.exchanges.length;
  world.standIn.auth = { apiKeys: [TEST_API_KEY], issuedTokens: () => 'expired' };
  await ask(gw);
  expect(messageCalls(world.standIn).map((_, i) => carried(i))).toEqual(['wif', 'wif', 'team']);
  // The two bearer calls carried different tokens: the second was freshly exchanged after the first 401.
  const [first, second] = messageCalls(world.standIn).map((r) => r.headers.authorization);
  expect(second).not.toBe(first);
  expect(world.endpoint.exchanges.length - exchangesAtStart).toBe(1);
  expect(gw.logs.text).toContain('credential wif: Anthropic rejected the current token (401)');
  expect((await Scrape.from(gw.url)).value(METRIC.failovers, { reason: 'refused' })).toBe(1);
});

it('a 429 on the federation entry rests it, and the API key serves', async () => {
  const gw = await startPool();
  world.standIn.reply(errorReply(429, 'rate_limit_error', 'Number of requests has exceeded your rate limit.', { 'retry-after': '60' }));
  await ask(gw);
  expect(messageCalls(world.standIn).map((_, i) => carried(i))).toEqual(['wif', 'team']);
  await ask(gw);
  expect(carried(-1)).toBe('team');
  const wif = (await health(gw)).body.details.credentials.pool.wif;
  expect(wif.state).toBe('resting');
  expect((await Scrape.from(gw.url)).value(METRIC.failovers, { reason: 'rate_limited' })).toBe(1);
});
