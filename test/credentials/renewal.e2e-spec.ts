import OpenAI from 'openai';
import { ClaudeHome, HOUR, oauthToken, waitFor } from '../support/claude-home.js';
import { ask, askForError, errorMessage, health, refreshOf, startLoginGateway, useLoginWorld } from '../support/login-gateway.js';

/** Every token a test made, to prove none of them reached a log line or a response body. */
let secrets: string[] = [];
const world = useLoginWorld({
  auth: () => {
    secrets = [];
    return { oauthTokens: [], expiredTokens: [] };
  },
  afterTest: (logs) => {
    for (const secret of secrets) expect(logs).not.toContain(secret.slice(-24));
  },
});

const token = (label: string) => {
  const t = oauthToken(label);
  secrets.push(t);
  world.standIn.auth!.oauthTokens!.push(t);
  return t;
};
const bearer = () => world.standIn.last.headers.authorization;

it('uses a login renewed behind its back on the very next request, after an atomic rename and after an in-place rewrite', async () => {
  const first = token('one');
  const second = token('two');
  const third = token('six');
  await world.home.installFakeClaude();
  await world.home.writeLogin(first, Date.now() + HOUR);
  world.gw = await startLoginGateway(world.standIn, world.home);
  await ask(world.gw);
  expect(bearer()).toBe(`Bearer ${first}`);

  await world.home.replaceLogin(second, Date.now() + 2 * HOUR);
  await ask(world.gw);
  expect(bearer()).toBe(`Bearer ${second}`);

  // Same inode and (deliberately) the same length: mtime/ctime still give it away.
  await world.home.writeLogin(third, Date.now() + 3 * HOUR);
  await ask(world.gw);
  expect(bearer()).toBe(`Bearer ${third}`);
  expect(await world.home.calls()).toHaveLength(1); // only the start-up run: no command was needed
  expect(world.gw.logs.text).toContain('Claude Code login changed');
});

// Renewal itself (at start-up, on expiry, ahead of expiry, single flight) is
// proven against the real CLI in real-cli.e2e-spec.ts. The fake CLI stays for
// what the real one cannot be made to do: always renew, never renew, fail, hang.

// The real CLI renews only within 5 minutes of expiry, so after a 401 on a
// token its file still calls valid, `claude -p /cost` changes nothing. A
// custom REFRESH_COMMAND that always fetches a new token (stood in for by
// `renewsAlways`) does, and the gateway must use it for the same request.
it('refreshes when Anthropic rejects a token its file still calls valid, and retries that same request with the renewed one', async () => {
  const revoked = token('revoked');
  const renewed = token('renewed');
  world.standIn.auth!.expiredTokens!.push(revoked);
  await world.home.installFakeClaude({ renewsAlways: true });
  await world.home.writeLogin(revoked, Date.now() + HOUR);
  // Default UPSTREAM_MAX_RETRIES=0: the login's own retry does not depend on it.
  world.gw = await startLoginGateway(world.standIn, world.home);

  await world.home.stageRenewal(renewed, Date.now() + 8 * HOUR);
  expect((await ask(world.gw)).choices[0].message.content).toBe('Hello from the stand-in.');
  expect(world.standIn.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${revoked}`, `Bearer ${renewed}`]);
  expect(refreshOf(world.gw).last).toMatchObject({ trigger: 'rejected', outcome: 'renewed' });
});

describe('with the SDK retrying too (UPSTREAM_MAX_RETRIES=2), a 401 is still one renewal and one retry', () => {
  /** A login whose token Anthropic refuses, a command that always renews it, and SDK retries on. */
  async function refusedLogin(renewalRefusedToo: boolean) {
    const revoked = token('revoked');
    const renewed = token('renewed');
    world.standIn.auth!.expiredTokens!.push(revoked, ...(renewalRefusedToo ? [renewed] : []));
    await world.home.installFakeClaude({ renewsAlways: true });
    await world.home.writeLogin(revoked, Date.now() + HOUR);
    world.gw = await startLoginGateway(world.standIn, world.home, { UPSTREAM_MAX_RETRIES: '2' });
    await world.home.stageRenewal(renewed, Date.now() + 8 * HOUR);
    return { revoked, renewed, gw: world.gw };
  }

  it('a renewed token that works: two upstream calls, one renewal', async () => {
    const { revoked, renewed, gw } = await refusedLogin(false);
    await ask(gw);
    expect(world.standIn.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${revoked}`, `Bearer ${renewed}`]);
    expect(await world.home.calls()).toHaveLength(2); // start-up + the one renewal
  });

  // The SDK's own refresh-after-401 ran beside the gateway's before: a renewed
  // token that was refused too made a second renewal and a third call.
  it('a renewed token that is refused too: the 401 goes to the client after two calls and one renewal', async () => {
    const { revoked, renewed, gw } = await refusedLogin(true);
    const error = await askForError(gw);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(world.standIn.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${revoked}`, `Bearer ${renewed}`]);
    expect(await world.home.calls()).toHaveLength(2); // start-up + the one renewal
  });
});

it('marks only the token that met the 401 as rejected, not a newer one issued meanwhile', async () => {
  const old = token('old');
  const fresh = token('fresh');
  await world.home.installFakeClaude({ renewsNothing: true });
  await world.home.writeLogin(old, Date.now() + HOUR);
  world.gw = await startLoginGateway(world.standIn, world.home);

  // The first request's 401 arrives late: only once the login was renewed and a
  // request with the new token was answered (an event, not a fixed sleep that a busy machine outruns).
  world.standIn.reply(async () => {
    await waitFor(
      () => world.standIn.requests.some((r) => r.headers.authorization === `Bearer ${fresh}` && r.finishedAt !== undefined),
      'a request answered with the fresh token',
      15_000,
    );
    return { kind: 'error', status: 401, type: 'authentication_error', message: 'OAuth token has expired.' };
  });
  const slow = ask(world.gw).catch((e) => e);
  await waitFor(() => world.standIn.requests.length === 1, 'the slow request upstream');
  await world.home.replaceLogin(fresh, Date.now() + 8 * HOUR);
  await ask(world.gw);
  expect(bearer()).toBe(`Bearer ${fresh}`);
  // The late 401 answered the old token: its request is retried with the fresh one and succeeds.
  expect((await slow).choices[0].message.content).toBe('Hello from the stand-in.');

  // The fresh token stays usable: requests go through and the pod stays ready.
  await ask(world.gw);
  expect(bearer()).toBe(`Bearer ${fresh}`);
  expect((await health(world.gw)).status).toBe(200);
});

it('after a rejected token that the command cannot renew, answers the helpful 401 without calling Anthropic again', async () => {
  const revoked = token('revoked');
  world.standIn.auth!.expiredTokens!.push(revoked);
  await world.home.installFakeClaude({ renewsNothing: true });
  await world.home.writeLogin(revoked, Date.now() + HOUR);
  world.gw = await startLoginGateway(world.standIn, world.home);

  for (let i = 0; i < 2; i++) {
    const error = await askForError(world.gw);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error.message).toContain('Anthropic rejected the Claude Code login token');
    expect(error.message).toContain('claude setup-token');
  }
  expect(world.standIn.requests).toHaveLength(1);
  expect(refreshOf(world.gw).last).toMatchObject({ trigger: 'rejected', outcome: 'unchanged' });
  expect((await health(world.gw)).status).toBe(503);
});

describe('when renewal does not happen', () => {
  const expectHelpful = (message: string) => {
    expect(message).toMatch(/run `claude` interactively once/);
    expect(message).toContain('REFRESH_COMMAND');
    expect(message).toContain('`claude setup-token`');
    expect(message).toContain('CLAUDE_CODE_OAUTH_TOKEN');
  };

  async function expiredBehindFailingCommand(options: Parameters<ClaudeHome['installFakeClaude']>[0], extra = {}) {
    const stale = token('stale');
    if (options) await world.home.installFakeClaude(options);
    await world.home.writeLogin(stale, Date.now() - 60_000);
    world.gw = await startLoginGateway(world.standIn, world.home, extra);
    const error = await askForError(world.gw);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error.status).toBe(401);
    expect(error.type).toBe('authentication_error');
    expect(error.code).toBe('credentials_unavailable');
    expectHelpful(error.message);
    expect(world.standIn.requests).toHaveLength(0);
    const ready = await health(world.gw);
    expect(ready.status).toBe(503);
    expect(ready.body.details.credentials.status).toBe('down');
    expectHelpful(ready.body.details.credentials.reason);
    const live = await health(world.gw, '/health/live');
    expect(live.status).toBe(200);
    for (const secret of secrets) expect(JSON.stringify(error.error) + ready.text).not.toContain(secret);
    return { error, ready };
  }

  it('a command that leaves the expired token in place: 401 saying what to do, readiness down with the same reason', async () => {
    const { error, ready } = await expiredBehindFailingCommand({ renewsNothing: true });
    expect(error.message).toContain('did not renew it');
    expect(ready.body.details.credentials.reason).toBe(errorMessage(error));
    expect(ready.body.details.credentials.lastRefresh).toMatchObject({ outcome: 'unchanged', tokenChanged: false });
    // The request's run was held back: the start-up run had just left this very token.
    expect(await world.home.calls()).toHaveLength(1);
  });

  it('a failing command: its failure is in the reason and the record', async () => {
    const { error, ready } = await expiredBehindFailingCommand({ exitCode: 3 });
    expect(error.message).toContain('exited with code 3');
    expect(ready.body.details.credentials.lastRefresh).toMatchObject({ outcome: 'failed', tokenChanged: false });
    expect(world.gw!.logs.text).toContain('exited with code 3');
  });

  it('a missing CLI: a warning, not a crash', async () => {
    const { error, ready } = await expiredBehindFailingCommand(undefined, { REFRESH_COMMAND: 'claude-not-installed -p /cost' });
    expect(error.message).toContain('`claude-not-installed` was not found on PATH');
    // Said before any advice to run `claude`, which cannot help until it is installed.
    const missing = error.message.indexOf("is not on the gateway's PATH");
    expect(missing).toBeGreaterThan(-1);
    expect(missing).toBeLessThan(error.message.indexOf('run `claude` interactively'));
    expect(error.message).toContain('ANTHROPIC_API_KEY');
    expect(world.gw!.logs.text).toContain('`claude-not-installed` was not found on PATH');
    // Named once, in words: not "`claude-not-installed` claude-not-installed: not found on PATH".
    expect(ready.body.details.credentials.lastRefresh.detail).toBe('`claude-not-installed` was not found on PATH');
  });

  it('a hung command is killed after REFRESH_TIMEOUT_MS', async () => {
    const started = Date.now();
    const { ready } = await expiredBehindFailingCommand({ sleep: 30 }, { REFRESH_TIMEOUT_MS: '1000' });
    // The command would sleep 30 s; starting a gateway on a busy machine takes a few.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(ready.body.details.credentials.lastRefresh.detail).toContain('timed out after 1000 ms');
  }, 40_000);

  it('runs the command again for a request once REFRESH_RETRY_SECONDS have passed', async () => {
    await expiredBehindFailingCommand({ renewsNothing: true }, { REFRESH_RETRY_SECONDS: '0' });
    expect(await world.home.calls()).toHaveLength(2);
  });
});
