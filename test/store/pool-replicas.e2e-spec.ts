import { jest } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { METRIC } from '../../src/observability/metrics/gateway-metrics.js';
import { AnthropicStandIn, errorReply, messageReply, type RecordedRequest, type Reply } from '../support/anthropic-stand-in.js';
import { waitFor } from '../support/claude-home.js';
import { type Gateway, startGateway } from '../support/gateway.js';
import { Scrape } from '../support/metrics.js';
import { apiKeyHeaders, subscriptionAllowed, subscriptionRejected } from '../support/rate-limit-headers.js';
import { RedisServer, redisOrSkip } from '../support/redis-server.js';

/*
 * A credential pool on two replicas sharing one real Redis (redis-server,
 * with a password): a rest one replica learns from upstream is honoured by
 * the other, which then makes no call to that credential; both show the same
 * limits; an answer to a request sent before the rest does not end it; and
 * while Redis is away each goes on alone, the other learning what happened
 * once Redis is back.
 */

const TEAM_KEY = 'sk-ant-api03-replica-team-key-4b7d1e9a3c6f2085';
const SPARE_KEY = 'sk-ant-api03-replica-spare-key-8e2a5c0f7b3d9164';
const PLAN_TOKEN = 'sk-ant-oat01-replica-max-plan-token-1d6f3a8c5e0b7294';
const SECRETS = [TEAM_KEY, SPARE_KEY, PLAN_TOKEN];
const NAMES: Record<string, string> = { [TEAM_KEY]: 'team', [SPARE_KEY]: 'spare', [PLAN_TOKEN]: 'plan' };
const who = (req: RecordedRequest) =>
  NAMES[(req.headers['x-api-key'] as string | undefined) ?? /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? ''] ?? 'unknown';

const describeRedis = redisOrSkip() ? describe : describe.skip;

// Two gateways to start and Redis syncs to wait for, each bounded by its own waitFor: more than Jest's default on a busy machine.
jest.setTimeout(60_000);

describeRedis('a credential pool on two replicas sharing Redis', () => {
  let redis: RedisServer;
  let standIn: AnthropicStandIn;
  let dir: string;
  let a: Gateway | undefined;
  let b: Gateway | undefined;
  let answers: Record<string, (req: RecordedRequest) => Reply | Promise<Reply>>;

  const ok = (headers: () => Record<string, string>) => (req: RecordedRequest): Reply => {
    const reply = messageReply({ text: `served by ${who(req)}` })(req) as Reply;
    return { ...reply, headers: headers() } as Reply;
  };
  const calls = () => standIn.requests.filter((r) => r.path.startsWith('/v1/messages')).map(who);
  const ask = async (gw: Gateway) => {
    const answer = await gw.openai.chat.completions.create({ model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: 'hi' }] });
    return answer.choices[0].message.content;
  };
  const pool = async (gw: Gateway): Promise<Record<string, { state: string; reason?: string }>> => {
    const res = await fetch(`${gw.url}/health/ready`);
    return ((await res.json()) as any).details.credentials.pool;
  };

  /** Two replicas of one pool, on a prefix of their own, both connected. */
  async function replicas(credentials: object[]): Promise<[Gateway, Gateway]> {
    const file = join(dir, `pool-${randomBytes(4).toString('hex')}.json`);
    await writeFile(file, JSON.stringify({ credentials }), { mode: 0o600 });
    const env = {
      ANTHROPIC_API_KEY: undefined,
      CREDENTIALS_FILE: file,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `pool-${randomBytes(4).toString('hex')}:`,
      GATEWAY_CREDENTIAL_HEADER: 'true',
    };
    a = await startGateway(standIn, env);
    b = await startGateway(standIn, env);
    await waitFor(async () => (await storeState(a!)) === 'up' && (await storeState(b!)) === 'up', 'both replicas connected to Redis', 15_000);
    return [a, b];
  }

  beforeAll(async () => {
    redis = await RedisServer.start({ password: `pw-${randomBytes(8).toString('hex')}` });
    standIn = await AnthropicStandIn.start();
    dir = await mkdtemp(join(tmpdir(), 'ccp-pool-replicas-'));
  }, 60_000);
  beforeEach(() => {
    standIn.reset();
    standIn.auth = { apiKeys: [TEAM_KEY, SPARE_KEY], oauthTokens: [PLAN_TOKEN] };
    answers = { team: ok(() => apiKeyHeaders(Date.now())), spare: ok(() => apiKeyHeaders(Date.now())), plan: ok(() => subscriptionAllowed(Date.now())) };
    standIn.setDefault((req) => answers[who(req)]?.(req) ?? errorReply(401, 'authentication_error', 'invalid x-api-key'));
  });
  afterEach(async () => {
    const logs = (a?.logs.text ?? '') + (b?.logs.text ?? '');
    await Promise.all([a?.close(), b?.close()]);
    a = b = undefined;
    for (const secret of [...SECRETS, new URL(redis.url).password]) expect(logs).not.toContain(secret.slice(-20));
  });
  afterAll(async () => {
    await standIn?.close();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('a key that answered 429 on one replica gets no call from the other until its rest is over', async () => {
    const [one, other] = await replicas([
      { name: 'team-key', apiKey: TEAM_KEY },
      { name: 'spare-key', apiKey: SPARE_KEY },
    ]);
    answers.team = () => errorReply(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', { 'retry-after': '600' });

    expect(await ask(one)).toBe('served by spare');
    expect(calls()).toEqual(['team', 'spare']);
    await waitFor(async () => (await pool(other))['team-key'].state === 'resting', 'the other replica to learn of the rest', 10_000);

    standIn.requests.length = 0;
    expect(await ask(other)).toBe('served by spare');
    expect(await ask(other)).toBe('served by spare');
    expect(calls()).toEqual(['spare', 'spare']);
    expect((await pool(other))['team-key']).toEqual({ state: 'resting', until: expect.any(String), reason: 'rate limited (429)' });
    const scrape = await Scrape.from(other.url);
    expect(scrape.value(METRIC.credentialAvailable, { credential: 'team-key' })).toBe(0);
    expect(scrape.value(METRIC.credentialAvailable, { credential: 'spare-key' })).toBe(1);
  });

  it("an answer to a request sent before the other replica's rest began does not end that rest", async () => {
    const [one, other] = await replicas([
      { name: 'team-key', apiKey: TEAM_KEY },
      { name: 'spare-key', apiKey: SPARE_KEY },
    ]);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let first = true;
    answers.team = (req) => {
      if (!first) return errorReply(429, 'rate_limit_error', 'slow down', { 'retry-after': '600' });
      first = false;
      // Answered once the rest is known everywhere: a success that arrives after the rest, for a request sent before it.
      return held.then(() => ok(() => apiKeyHeaders(Date.now(), { requests: 1234, tokens: 5000 }))(req));
    };
    const inFlight = ask(other);
    await waitFor(() => calls().length === 1, "the other replica's request to reach upstream", 10_000);
    expect(await ask(one)).toBe('served by spare');
    await waitFor(async () => (await pool(other))['team-key'].state === 'resting', 'the other replica to learn of the rest', 10_000);
    release();
    expect(await inFlight).toBe('served by team');

    // The limits that late answer read reach the first replica (the newest record), and the rest stays on both.
    const remaining = async () => (await Scrape.from(one.url)).value(METRIC.ratelimitRemaining, { credential: 'team-key', kind: 'requests' });
    await waitFor(async () => (await remaining()) === 1234, 'the first replica to learn the limits the other read', 10_000);
    expect((await pool(one))['team-key'].state).toBe('resting');
    expect((await pool(other))['team-key'].state).toBe('resting');
    standIn.requests.length = 0;
    expect(await ask(one)).toBe('served by spare');
    expect(await ask(other)).toBe('served by spare');
    expect(calls()).toEqual(['spare', 'spare']);
  });

  it("a subscription's spent 5-hour window seen by one replica: the other falls back at once, shows its utilization, and a clear 429 when nothing is left", async () => {
    const [one, other] = await replicas([
      { name: 'max-plan', accessToken: PLAN_TOKEN },
      { name: 'team-key', apiKey: TEAM_KEY },
    ]);
    // The other replica has served on the plan (its utilization read from that answer) before the window is spent.
    expect(await ask(other)).toBe('served by plan');
    answers.plan = () => errorReply(429, 'rate_limit_error', "This request would exceed your account's rate limit.", subscriptionRejected(Date.now()));

    expect(await ask(one)).toBe('served by team');
    await waitFor(async () => (await pool(other))['max-plan'].state === 'resting', 'the other replica to learn of the spent window', 10_000);
    standIn.requests.length = 0;
    expect(await ask(other)).toBe('served by team');
    expect(calls()).toEqual(['team']);
    expect((await pool(other))['max-plan']).toMatchObject({ state: 'resting', reason: '5-hour limit reached' });
    expect((await Scrape.from(other.url)).value(METRIC.ratelimitUtilization, { credential: 'max-plan', window: '5h' })).toBe(1);

    // The key spent too, seen by the first replica only: the other answers the pool's 429 without calling upstream.
    answers.team = () => errorReply(429, 'rate_limit_error', 'slow down', { 'retry-after': '900' });
    await expect(ask(one)).rejects.toMatchObject({ status: 429 });
    await waitFor(async () => (await pool(other))['team-key'].state === 'resting', 'the other replica to learn that the key rests', 10_000);
    standIn.requests.length = 0;
    const error = (await ask(other).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(calls()).toEqual([]);
    expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    expect(error.message).toContain('max-plan: 5-hour limit reached; resets at');
    expect(error.message).toContain('team-key: rate limited (429); resets at');
  });

  it('while Redis is away each replica goes on with its own view, and the other learns what happened once Redis is back', async () => {
    const [one, other] = await replicas([
      { name: 'team-key', apiKey: TEAM_KEY },
      { name: 'spare-key', apiKey: SPARE_KEY },
    ]);
    await redis.stop();
    try {
      await waitFor(async () => (await storeState(one)) === 'degraded' && (await storeState(other)) === 'degraded', 'both replicas to see Redis gone', 15_000);
      answers.team = () => errorReply(429, 'rate_limit_error', 'slow down', { 'retry-after': '600' });
      // The pool needs no Redis to serve: the first replica fails over and rests the key on its own.
      expect(await ask(one)).toBe('served by spare');
      expect((await pool(one))['team-key'].state).toBe('resting');
      expect((await pool(other))['team-key'].state).toBe('usable');
    } finally {
      await redis.start();
    }
    // An empty Redis (no persistence): what the first replica learnt while it was away goes up, and the other takes it.
    await waitFor(async () => (await pool(other))['team-key'].state === 'resting', 'the other replica to learn of the rest after Redis came back', 30_000);
    standIn.requests.length = 0;
    expect(await ask(other)).toBe('served by spare');
    expect(calls()).toEqual(['spare']);
    expect((await Scrape.from(one.url)).value('claude_proxy_store_errors_total', { operation: 'sync' })).toBeGreaterThanOrEqual(1);
  }, 90_000);
});

async function storeState(gw: Gateway): Promise<string> {
  const res = await fetch(`${gw.url}/health/ready`);
  return ((await res.json()) as any).details?.store?.state;
}
