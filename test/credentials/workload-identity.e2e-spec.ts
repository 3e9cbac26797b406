import { readFile, rm, writeFile } from 'node:fs/promises';
import { METRIC } from '../../src/observability/metrics/gateway-metrics.js';
import { errorReply, OAUTH_BETA } from '../support/anthropic-stand-in.js';
import { waitFor } from '../support/claude-home.js';
import { messageCalls, RULE, useFederationWorld } from '../support/federation.js';
import { TEST_API_KEY } from '../support/gateway.js';
import { closedPort } from '../support/raw-http.js';
import { ask, askForError, errorMessage, health } from '../support/login-gateway.js';
import { Scrape } from '../support/metrics.js';
import { EXCHANGE_BETA, JWT_BEARER } from '../support/token-endpoint.js';

const world = useFederationWorld();
const bearer = () => /^Bearer (.+)$/.exec(messageCalls(world.standIn).at(-1)?.headers.authorization ?? '')?.[1];

/** Neither the identity token nor any access token, whole or by its tail, in `text`. */
function noTokensIn(text: string) {
  const secrets = [...world.written, ...world.endpoint.tokens];
  for (const secret of secrets) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(secret.slice(-16));
  }
}

it('serves with only the federation ids and an identity token file: the SDK exchanges it, Messages gets the issued token', async () => {
  const gw = await world.start();
  const completion = await ask(gw);
  expect(completion.choices[0].message.content).toBe('Hello from the stand-in.');
  // The grant, as the token endpoint received it (the stand-in refuses any other shape with a 400).
  const exchange = world.standIn.requests.find((r) => r.path === '/v1/oauth/token')!;
  expect(exchange.headers['anthropic-beta']).toBe(EXCHANGE_BETA);
  expect(exchange.body).toEqual({
    grant_type: JWT_BEARER,
    assertion: (await readFile(world.tokenFile, 'utf8')).trim(),
    federation_rule_id: RULE.ruleId,
    organization_id: RULE.organizationId,
  });
  expect(world.endpoint.exchanges[0].status).toBe(200);
  // One of the issued tokens (a 60 s token sits in the SDK's advisory window, so another exchange may follow at once).
  expect(world.endpoint.tokens).toContain(bearer());
  expect(String(messageCalls(world.standIn).at(-1)!.headers['anthropic-beta'])).toContain(OAUTH_BETA);

  const ready = await health(gw);
  expect(ready.status).toBe(200);
  const credentials = ready.body.details.credentials;
  expect(credentials).toMatchObject({ status: 'up', source: 'workload-identity', lastExchange: { outcome: 'ok' } });
  expect(credentials.expiresInSeconds).toBeGreaterThan(0);
  expect(credentials.expiresInSeconds).toBeLessThanOrEqual(60);

  const scrape = await Scrape.from(gw.url);
  expect(scrape.value(METRIC.credentialExchanges, { credential: 'default', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
  const [expiry] = scrape.samples(METRIC.credentialExpiry, { credential: 'default' });
  expect(Number(expiry.value)).toBeGreaterThan(0);
  expect(Number(expiry.value)).toBeLessThanOrEqual(60);

  expect(gw.logs.text).toContain(`Using credential source: workload-identity (federation rule ${RULE.ruleId}`);
  noTokensIn(gw.logs.text + ready.text + scrape.text);
});

it('sends the workspace id in the grant when one is configured', async () => {
  world.endpoint.rule.workspaceId = 'wrkspc_01standin';
  const gw = await world.start({ ANTHROPIC_WORKSPACE_ID: 'wrkspc_01standin' });
  await ask(gw);
  expect(world.standIn.requests.find((r) => r.path === '/v1/oauth/token')!.body.workspace_id).toBe('wrkspc_01standin');
});

it('picks up a rotated identity token file at the next exchange; the old token is no longer sent', async () => {
  const gw = await world.start();
  await ask(gw);
  const first = world.endpoint.exchanges[0].assertion;
  // The kubelet writes a new token; the rule no longer trusts the old one.
  world.endpoint.trusted.delete(first);
  const rotated = await world.rotate();
  // A 60 s token is always inside the SDK's 120 s advisory window: each request starts a background exchange.
  await waitFor(async () => {
    await ask(gw);
    return world.endpoint.exchanges.some((e) => e.assertion === rotated && e.status === 200);
  }, 'an exchange of the rotated token', 15_000);
  const afterRotation = world.endpoint.exchanges.filter((e) => e.assertion === rotated);
  expect(afterRotation.every((e) => e.status === 200)).toBe(true);
  await ask(gw);
  // A background exchange may finish between the two reads: the token sent is one the rotated assertion got.
  const issued = (assertion: string) => world.endpoint.exchanges.filter((e) => e.assertion === assertion).map((e) => e.issued);
  expect(issued(rotated)).toContain(bearer());
  // Nor is it a token the old identity token got.
  expect(issued(first)).not.toContain(bearer());
});

it('exchanges again when Messages rejects the held token, and the request that met the 401 succeeds', async () => {
  // An hour: outside the SDK's refresh windows, so nothing but the 401 makes it exchange again.
  world.endpoint.lifetimeSeconds = 3600;
  const gw = await world.start();
  await ask(gw);
  const held = bearer()!;
  world.standIn.auth = { issuedTokens: (token) => (token === held ? 'expired' : world.endpoint.verdict(token)) };
  const completion = await ask(gw);
  expect(completion.choices[0].message.content).toBe('Hello from the stand-in.');
  expect(bearer()).not.toBe(held);
  expect(world.endpoint.exchanges).toHaveLength(2);
  expect(gw.logs.text).toContain('Anthropic rejected the current token (401)');
});

describe('a failed exchange is a clear error naming the cause and the fix, in the answer, readiness, logs and metrics', () => {
  const cases: Array<{
    what: string;
    arrange: () => Promise<void> | void;
    status: number;
    outcome: string;
    says: RegExp[];
  }> = [
    {
      what: 'the identity token file is missing',
      arrange: () => rm(world.tokenFile),
      status: 401,
      outcome: 'identity_token_unreadable',
      says: [/identity token file/i, /ENOENT/, /mount the projected service-account token/, /ANTHROPIC_IDENTITY_TOKEN_FILE/],
    },
    {
      what: 'the identity token file is empty',
      arrange: () => writeFile(world.tokenFile, '\n'),
      status: 401,
      outcome: 'identity_token_unreadable',
      says: [/identity token file/i, /is empty/, /ANTHROPIC_IDENTITY_TOKEN_FILE/],
    },
    {
      what: 'the identity token is larger than the 16 KiB the endpoint takes',
      arrange: async () => {
        await writeFile(world.tokenFile, `eyJ.${'a'.repeat(17 * 1024)}.sig`);
      },
      status: 401,
      outcome: 'identity_token_too_large',
      says: [/16 KiB/, /project a plain service-account token/],
    },
    {
      what: 'the federation rule rejects the identity token',
      arrange: () => world.endpoint.trusted.clear(),
      status: 401,
      outcome: 'rejected',
      says: [/rejected the token exchange/, /status 401/, /invalid_grant/, /ANTHROPIC_FEDERATION_RULE_ID/, /ANTHROPIC_WORKSPACE_ID/],
    },
    {
      what: 'the token endpoint is down',
      arrange: () => {
        world.endpoint.outage = { kind: 'error', status: 503, type: 'overloaded_error', message: 'down for maintenance' };
      },
      status: 503,
      outcome: 'unavailable',
      says: [/could not issue a token now/, /status 503/, /retried/],
    },
  ];

  it.each(cases)('$what', async ({ arrange, status, outcome, says }) => {
    await arrange();
    const gw = await world.start();
    const error = await askForError(gw);
    expect(error.status).toBe(status);
    expect((error.error as { code: string }).code).toBe('credentials_unavailable');
    for (const pattern of says) expect(errorMessage(error)).toMatch(pattern);
    expect(messageCalls(world.standIn)).toHaveLength(0);
    const ready = await health(gw);
    expect(ready.status).toBe(503);
    expect(ready.body.details.credentials).toMatchObject({ status: 'down', source: 'workload-identity', lastExchange: { outcome } });
    for (const pattern of says) expect(ready.body.details.credentials.reason).toMatch(pattern);
    const scrape = await Scrape.from(gw.url);
    expect(scrape.value(METRIC.credentialExchanges, { credential: 'default', outcome })).toBeGreaterThanOrEqual(1);
    expect(scrape.value(METRIC.credentialExchanges, { credential: 'default', outcome: 'ok' })).toBe(0);
    expect(scrape.samples(METRIC.credentialExpiry)).toEqual([]);
    expect(gw.logs.text).toMatch(says[0]);
    noTokensIn(gw.logs.text + ready.text + errorMessage(error));
  });
});

it('an unreachable token endpoint is a 503 that names it', async () => {
  const gw = await world.start({ ANTHROPIC_BASE_URL: `http://127.0.0.1:${await closedPort()}` });
  const error = await askForError(gw);
  expect(error.status).toBe(503);
  expect(errorMessage(error)).toMatch(/token endpoint could not be reached/);
  expect(errorMessage(error)).toMatch(/Failed to reach token endpoint http:\/\/127\.0\.0\.1:\d+\/v1\/oauth\/token/);
});

it('becomes ready again once the cause is fixed, with no request needed: each readiness check tries again', async () => {
  world.endpoint.trusted.clear();
  const gw = await world.start();
  expect((await health(gw)).status).toBe(503);
  world.endpoint.trusted.add((await readFile(world.tokenFile, 'utf8')).trim());
  const ready = await health(gw);
  expect(ready.status).toBe(200);
  expect(ready.body.details.credentials).toMatchObject({ status: 'up', lastExchange: { outcome: 'ok' } });
  expect(messageCalls(world.standIn)).toHaveLength(0);
  expect(gw.logs.text).toContain('credential default: token obtained again');
});

it('refuses to start when a federation variable is missing, naming it', async () => {
  await expect(world.start({ ANTHROPIC_ORGANIZATION_ID: undefined })).rejects.toThrow(
    /ANTHROPIC_ORGANIZATION_ID: workload identity \(ANTHROPIC_FEDERATION_RULE_ID is set\) needs it too/,
  );
});

it('keeps to the precedence: an API key or an OAuth token wins over the federation variables', async () => {
  world.standIn.auth = { apiKeys: [TEST_API_KEY], issuedTokens: world.endpoint.verdict };
  const gw = await world.start({ ANTHROPIC_API_KEY: TEST_API_KEY });
  await ask(gw);
  // A Console key goes as x-api-key, as the real API takes it.
  expect(messageCalls(world.standIn).at(-1)!.headers['x-api-key']).toBe(TEST_API_KEY);
  expect(bearer()).toBeUndefined();
  expect(world.endpoint.exchanges).toHaveLength(0);
  expect((await health(gw)).body.details.credentials).toEqual({ status: 'up', source: 'api-key' });
});

it('redacts an issued token by its value (it has no sk-ant- shape) from what upstream echoes back', async () => {
  // An hour: the token the gateway sends is the one issued at start-up.
  world.endpoint.lifetimeSeconds = 3600;
  const gw = await world.start();
  await ask(gw);
  const held = bearer()!;
  world.standIn.reply(errorReply(400, 'invalid_request_error', `bad request near ${held}`));
  const error = await askForError(gw);
  expect(error.status).toBe(400);
  expect(errorMessage(error)).toBe('bad request near ***');
  expect(gw.logs.text).not.toContain(held);
});
