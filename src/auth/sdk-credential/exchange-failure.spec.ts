import { identityTokenFromFile } from '@anthropic-ai/sdk/lib/credentials/identity-token';
import { oidcFederationProvider } from '@anthropic-ai/sdk/lib/credentials/oidc-federation';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exchangeFailureError, judgeExchangeFailure } from './exchange-failure.js';

/**
 * The judgement reads the SDK's own errors, so each case is made by the
 * SDK's own functions: an SDK upgrade that rewords one fails here, not in
 * production. The token endpoint's answers are real `Response`s.
 */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'exchange-failure-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';
const exchange = (answer: () => Promise<Response>, jwt = JWT) =>
  oidcFederationProvider({
    identityTokenProvider: () => jwt,
    federationRuleId: 'fdrl_x',
    organizationId: 'org_x',
    baseURL: 'http://127.0.0.1:9',
    fetch: answer as typeof fetch,
  })();
const thrown = async (work: () => Promise<unknown>) => {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
};
const json = (status: number, body: unknown) => async () =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

it.each([
  ['a missing identity token file', async () => identityTokenFromFile(join(dir, 'absent'))(), 'identity_token_unreadable', 401],
  [
    'an empty identity token file',
    async () => {
      await writeFile(join(dir, 'empty'), ' \n');
      return identityTokenFromFile(join(dir, 'empty'))();
    },
    'identity_token_unreadable',
    401,
  ],
  ['an identity token over 16 KiB', () => exchange(json(200, {}), 'x'.repeat(16 * 1024 + 1)), 'identity_token_too_large', 401],
  ['a rule that rejects the token (401)', () => exchange(json(401, { error: 'invalid_grant' })), 'rejected', 401],
  ['a grant the endpoint refuses (400)', () => exchange(json(400, { error: 'invalid_request' })), 'rejected', 401],
  ['a forbidden organization (403)', () => exchange(json(403, { error: 'access_denied' })), 'rejected', 401],
  ['an endpoint that is down (503)', () => exchange(json(503, { error: 'temporarily_unavailable' })), 'unavailable', 503],
  ['an endpoint that rate-limits (429)', () => exchange(json(429, { error: 'slow_down' })), 'unavailable', 503],
  ['an endpoint answering without a token', () => exchange(json(200, { token_type: 'Bearer' })), 'unavailable', 503],
  ['an endpoint that cannot be reached', () => exchange(() => Promise.reject(new TypeError('fetch failed'))), 'unavailable', 503],
  ['a token endpoint over plain http', () => oidcFederationProvider({
    identityTokenProvider: () => JWT,
    federationRuleId: 'fdrl_x',
    organizationId: 'org_x',
    baseURL: 'http://api.example.com',
    fetch,
  })(), 'misconfigured', 401],
] as const)('%s: %s', async (_what, work, outcome, status) => {
  const failure = judgeExchangeFailure(await thrown(work));
  expect(failure.outcome).toBe(outcome);
  expect(failure.status).toBe(status);
  expect(failure.message).toMatch(status === 503 ? /retried/ : /Fix: /);
});

it('never carries the identity token or an access token echoed by the endpoint', async () => {
  const failure = judgeExchangeFailure(await thrown(() => exchange(json(401, { error: 'invalid_grant', assertion: JWT, access_token: 'sk-ant-oat01-echoed-0123456789' }))));
  expect(failure.message).not.toContain(JWT);
  expect(failure.message).not.toContain('echoed');
});

it('answers a request with the status, the OpenAI error shape and a retry-after for the passing failures', () => {
  const error = exchangeFailureError({ outcome: 'unavailable', status: 503, message: 'down' });
  expect(error.status).toBe(503);
  expect(error.code).toBe('credentials_unavailable');
  expect(error.headers['retry-after']).toBe('5');
  const rejected = exchangeFailureError({ outcome: 'rejected', status: 401, message: 'no' });
  expect(rejected.type).toBe('authentication_error');
  expect(rejected.headers['retry-after']).toBeUndefined();
});
