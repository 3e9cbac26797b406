import { jest } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { METRIC } from '../src/observability/metrics/gateway-metrics.js';
import { AnthropicStandIn, errorReply, messageReply, type RecordedRequest, type Reply } from './support/anthropic-stand-in.js';
import { type Gateway, startGateway } from './support/gateway.js';
import { Scrape } from './support/metrics.js';
import { apiKeyHeaders, subscriptionAllowed, subscriptionOnOverage, subscriptionRejected } from './support/rate-limit-headers.js';

jest.setTimeout(60_000);

const TEAM_KEY = 'sk-ant-api03-pool-team-key-7f3a9c2e5b1d4f60';
const SPARE_KEY = 'sk-ant-api03-pool-spare-key-0c8e6a4f2d9b7e13';
const PLAN_TOKEN = 'sk-ant-oat01-pool-max-plan-token-5e2c7a9f1b3d8e46';
const SECRETS = [TEAM_KEY, SPARE_KEY, PLAN_TOKEN];

/** Which credential a request carried: the stand-in answers by credential, as Anthropic does. */
const NAMES: Record<string, string> = { [TEAM_KEY]: 'team', [SPARE_KEY]: 'spare', [PLAN_TOKEN]: 'plan' };
/** The credential a request carried: an API key as x-api-key, an OAuth token as a bearer token, as the real API takes them. */
const who = (req: RecordedRequest) =>
  NAMES[(req.headers['x-api-key'] as string | undefined) ?? /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? ''] ?? 'unknown';

let standIn: AnthropicStandIn;
let dir: string;
let gw: Gateway | undefined;
/** How each credential answers; a message with its limits' headers unless a test says otherwise. */
let answers: Record<string, (req: RecordedRequest) => Reply>;

const ok = (headers: Record<string, string>) => (req: RecordedRequest): Reply => {
  const reply = messageReply({ text: `served by ${who(req)}` })(req) as Reply;
  return { ...reply, headers } as Reply;
};

beforeAll(async () => {
  standIn = await AnthropicStandIn.start();
  dir = await mkdtemp(join(tmpdir(), 'ccp-pool-e2e-'));
});
afterAll(async () => {
  await standIn.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  standIn.reset();
  standIn.auth = { apiKeys: [TEAM_KEY, SPARE_KEY], oauthTokens: [PLAN_TOKEN] };
  const now = Date.now();
  answers = { team: ok(apiKeyHeaders(now)), spare: ok(apiKeyHeaders(now, { requests: 99, tokens: 5000 })), plan: ok(subscriptionAllowed(now)) };
  // A credential the pool should never send is the real API's 401, not a handler without an answer.
  standIn.setDefault((req) => answers[who(req)]?.(req) ?? errorReply(401, 'authentication_error', 'invalid x-api-key'));
});
afterEach(async () => {
  const logs = gw?.logs.text ?? '';
  await gw?.close();
  gw = undefined;
  for (const secret of SECRETS) expect(logs).not.toContain(secret.slice(-20));
});

async function startPool(credentials: object[], env: Record<string, string> = {}): Promise<Gateway> {
  const file = join(dir, `pool-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, JSON.stringify({ credentials }), { mode: 0o600 });
  gw = await startGateway(standIn, {
    ANTHROPIC_API_KEY: undefined,
    CREDENTIALS_FILE: file,
    TEAM_KEY,
    GATEWAY_CREDENTIAL_HEADER: 'true',
    ...env,
  });
  return gw;
}

const ask = (g: Gateway, extra: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {}) =>
  g.openai.chat.completions.create({ model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: 'hi' }], ...extra }).withResponse();

async function askForError(g: Gateway): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await ask(g).catch((e: unknown) => e);
  if (error instanceof OpenAI.APIError) return error;
  throw new Error(`expected an API error, got ${String(error)}`);
}

async function ready(g: Gateway): Promise<{ status: number; text: string; body: any }> {
  const res = await fetch(`${g.url}/health/ready`);
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) };
}

const calls = () => standIn.requests.filter((r) => r.path.startsWith('/v1/messages')).map(who);

it('two API keys: a 429 fails over to the next key, which serves until the first has rested to its retry-after', async () => {
  const g = await startPool([
    { name: 'team-key', apiKeyEnv: 'TEAM_KEY' },
    { name: 'spare-key', apiKey: SPARE_KEY },
  ]);
  answers.team = () => errorReply(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', { 'retry-after': '600' });
  const before = await Scrape.from(g.url);

  const { data, response } = await ask(g);
  expect(data.choices[0].message.content).toBe('served by spare');
  expect(calls()).toEqual(['team', 'spare']);
  expect(response.headers.get('x-gateway-credential')).toBe('spare-key');
  // OpenAI's headers, from the key that served.
  expect(response.headers.get('x-ratelimit-limit-requests')).toBe('4000');
  expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('99');
  expect(response.headers.get('x-ratelimit-remaining-tokens')).toBe('5000');
  expect(response.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+(\.\d+)?s$/);
  for (const [name, value] of response.headers) {
    for (const secret of SECRETS) expect(`${name}: ${value}`).not.toContain(secret.slice(-20));
  }

  // The resting key gets no call at all.
  await ask(g);
  expect(calls()).toEqual(['team', 'spare', 'spare']);

  const health = await ready(g);
  expect(health.status).toBe(200);
  expect(health.body.details.credentials.pool['team-key']).toEqual({ state: 'resting', until: expect.any(String), reason: 'rate limited (429)' });
  expect(Date.parse(health.body.details.credentials.pool['team-key'].until) - Date.now()).toBeGreaterThan(500_000);
  expect(health.body.details.credentials.pool['spare-key']).toEqual({ state: 'usable' });

  const after = await Scrape.from(g.url);
  expect(Scrape.delta(before, after, METRIC.failovers, { reason: 'rate_limited' })).toBe(1);
  expect(after.value(METRIC.credentialAvailable, { credential: 'team-key' })).toBe(0);
  expect(after.value(METRIC.credentialAvailable, { credential: 'spare-key' })).toBe(1);
  expect(after.value(METRIC.ratelimitRemaining, { credential: 'spare-key', kind: 'requests' })).toBe(99);
  expect(after.value(METRIC.ratelimitUtilization, { credential: 'spare-key', window: 'requests' })).toBeCloseTo(3901 / 4000);
  for (const secret of SECRETS) expect(after.text + health.text).not.toContain(secret.slice(-20));
});

it('a rest ends at its reset, and a conversation stays on the credential that served it while that one is usable', async () => {
  const g = await startPool([
    { name: 'team-key', apiKeyEnv: 'TEAM_KEY' },
    { name: 'spare-key', apiKey: SPARE_KEY },
  ]);
  answers.team = () => errorReply(429, 'rate_limit_error', 'slow down', { 'retry-after': '1' });
  await ask(g, { prompt_cache_key: 'conversation-1' });
  expect(calls()).toEqual(['team', 'spare']);
  answers.team = ok(apiKeyHeaders(Date.now()));
  // Until the rest is over (an event, not a fixed sleep).
  for (let i = 0; (await ready(g)).body.details.credentials.pool['team-key'].state !== 'usable'; i++) {
    if (i > 400) throw new Error('the rest never ended');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  standIn.requests.length = 0;
  await ask(g, { prompt_cache_key: 'conversation-1' });
  await ask(g, { prompt_cache_key: 'conversation-2' });
  await ask(g, { user: 'someone' });
  expect(calls()).toEqual(['spare', 'team', 'team']);
});

it('a subscription whose 5-hour window is spent rests until the reset and falls back to an API key; nothing left is a clear 429', async () => {
  const g = await startPool([
    { name: 'max-plan', accessToken: PLAN_TOKEN },
    { name: 'team-key', apiKeyEnv: 'TEAM_KEY' },
  ]);
  const resetsAt = Date.now() + 2 * 3600_000;
  answers.plan = () => errorReply(429, 'rate_limit_error', 'This request would exceed your account\'s rate limit.', subscriptionRejected(Date.now(), resetsAt - Date.now()));
  const before = await Scrape.from(g.url);

  const { data } = await ask(g);
  expect(data.choices[0].message.content).toBe('served by team');
  await ask(g);
  expect(calls()).toEqual(['plan', 'team', 'team']);
  const health = await ready(g);
  expect(health.body.details.credentials.pool['max-plan']).toMatchObject({ state: 'resting', reason: '5-hour limit reached' });
  const after = await Scrape.from(g.url);
  expect(Scrape.delta(before, after, METRIC.failovers, { reason: 'plan_limit' })).toBe(1);
  expect(after.value(METRIC.ratelimitUtilization, { credential: 'max-plan', window: '5h' })).toBe(1);
  expect(after.value(METRIC.ratelimitUtilization, { credential: 'max-plan', window: '7d' })).toBeCloseTo(0.31);

  // The key is spent too: no credential left, and no upstream call made for either.
  answers.team = () => errorReply(429, 'rate_limit_error', 'slow down', { 'retry-after': '900' });
  await askForError(g);
  standIn.requests.length = 0;
  const error = await askForError(g);
  expect(calls()).toEqual([]);
  expect(error.status).toBe(429);
  const hhmm = new Date(resetsAt).toISOString().slice(11, 16);
  expect(error.message).toContain(`max-plan: 5-hour limit reached; resets at ${hhmm} UTC`);
  expect(error.message).toContain('team-key: rate limited (429); resets at');
  const retryAfter = Number(error.headers?.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(800);
  expect(retryAfter).toBeLessThanOrEqual(900);
  const down = await ready(g);
  expect(down.status).toBe(503);
  for (const secret of SECRETS) expect(JSON.stringify(error.error) + down.text).not.toContain(secret.slice(-20));
});

it.each([
  ['avoid', ['plan', 'team']],
  ['allow', ['plan', 'plan']],
])('SUBSCRIPTION_OVERAGE=%s: after an answer paid by extra usage, the next request goes to %j', async (overage, expected) => {
  const g = await startPool(
    [
      { name: 'max-plan', accessToken: PLAN_TOKEN },
      { name: 'team-key', apiKeyEnv: 'TEAM_KEY' },
    ],
    { SUBSCRIPTION_OVERAGE: overage },
  );
  answers.plan = ok(subscriptionOnOverage(Date.now()));
  await ask(g);
  await ask(g);
  expect(calls()).toEqual(expected);
});

it('a streamed request fails over before its stream begins, and the OpenAI headers come with the stream', async () => {
  const g = await startPool([
    { name: 'team-key', apiKeyEnv: 'TEAM_KEY' },
    { name: 'spare-key', apiKey: SPARE_KEY },
  ]);
  answers.team = () => errorReply(529, 'overloaded_error', 'Overloaded', { 'retry-after': '30' });
  const { data: stream, response } = await g.openai.chat.completions
    .create({ model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: 'hi' }], stream: true })
    .withResponse();
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  expect(text).toBe('served by spare');
  expect(response.headers.get('x-gateway-credential')).toBe('spare-key');
  expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('99');
  expect(calls()).toEqual(['team', 'spare']);
});

it('the Responses API: OpenAI headers, and a previous_response_id chain stays on its credential', async () => {
  const g = await startPool([
    { name: 'team-key', apiKeyEnv: 'TEAM_KEY' },
    { name: 'spare-key', apiKey: SPARE_KEY },
  ]);
  answers.team = () => errorReply(429, 'rate_limit_error', 'slow down', { 'retry-after': '1' });
  const { data: first, response } = await g.openai.responses.create({ model: 'claude-sonnet-5-5', input: 'hi' }).withResponse();
  expect(response.headers.get('x-ratelimit-limit-requests')).toBe('4000');
  expect(response.headers.get('x-gateway-credential')).toBe('spare-key');
  answers.team = ok(apiKeyHeaders(Date.now()));
  for (let i = 0; (await ready(g)).body.details.credentials.pool['team-key'].state !== 'usable'; i++) {
    if (i > 400) throw new Error('the rest never ended');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await g.openai.responses.create({ model: 'claude-sonnet-5-5', input: 'more', previous_response_id: first.id });
  await g.openai.responses.create({ model: 'claude-sonnet-5-5', input: 'new conversation' });
  expect(calls()).toEqual(['team', 'spare', 'spare', 'team']);
});

it('a signed-out Claude Code login in the pool: the request moves on without an upstream call for it, and readiness names it', async () => {
  const g = await startPool(
    [
      { name: 'laptop', credentialsFile: join(dir, 'no-login', '.credentials.json') },
      { name: 'team-key', apiKeyEnv: 'TEAM_KEY' },
    ],
    { REFRESH_COMMAND: 'true' },
  );
  const before = await Scrape.from(g.url);
  const { data } = await ask(g);
  expect(data.choices[0].message.content).toBe('served by team');
  expect(calls()).toEqual(['team']);
  const health = await ready(g);
  expect(health.status).toBe(200);
  expect(health.body.details.credentials.pool.laptop).toMatchObject({ state: 'signed out', reason: expect.stringContaining('Claude Code login') });
  const after = await Scrape.from(g.url);
  expect(Scrape.delta(before, after, METRIC.failovers, { reason: 'signed_out' })).toBe(1);
  expect(after.value(METRIC.credentialAvailable, { credential: 'laptop' })).toBe(0);
});

it('a secret from the pool file that upstream echoes is redacted by value, whatever its shape', async () => {
  const oddKey = 'team-key-of-an-odd-shape-4c1e9b7a2f';
  standIn.auth!.apiKeys!.push(oddKey);
  const g = await startPool([{ name: 'odd', apiKey: oddKey }]);
  standIn.setDefault(() => errorReply(400, 'invalid_request_error', `bad request for ${oddKey}`));
  const error = await askForError(g);
  expect(error.status).toBe(400);
  expect(JSON.stringify(error.error)).not.toContain(oddKey);
  expect(g.logs.text).not.toContain(oddKey);
});

it('x-gateway-credential is off by default, and a pool of one from ANTHROPIC_API_KEY still carries OpenAI\'s headers', async () => {
  gw = await startGateway(standIn, { ANTHROPIC_API_KEY: TEAM_KEY });
  const { response } = await ask(gw);
  expect(response.headers.get('x-gateway-credential')).toBeNull();
  expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('2000000');
});
