import { writeFile } from 'node:fs/promises';
import { jest } from '@jest/globals';
import OpenAI from 'openai';
import { HOUR, loginJson, oauthToken, waitFor } from '../support/claude-home.js';
import { startGateway } from '../support/gateway.js';
import { ask, refreshOf, startLoginGateway, useLoginWorld } from '../support/login-gateway.js';

const world = useLoginWorld({ auth: () => ({ oauthTokens: [], expiredTokens: [] }) });

it('requests never see a login half-rewritten in place: every one gets a whole token', async () => {
  const first = oauthToken('first');
  const second = oauthToken('second');
  world.standIn.auth!.oauthTokens!.push(first, second);
  await world.home.installFakeClaude();
  await world.home.writeLogin(first, Date.now() + 8 * HOUR);
  world.gw = await startLoginGateway(world.standIn, world.home);

  // An editor-style writer: truncate and write the same file, over and over.
  let writing = true;
  let rewrites = 0;
  const writer = (async () => {
    while (writing) {
      const token = rewrites++ % 2 ? first : second;
      await writeFile(world.home.credentialsPath, loginJson(token, Date.now() + 8 * HOUR));
    }
  })();
  const failures: string[] = [];
  let served = 0;
  // Until enough of both have happened, not for a fixed time: a busy machine only takes longer.
  const guard = Date.now() + 20_000;
  while ((served <= 8 || rewrites <= 20) && Date.now() < guard) {
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => ask(world.gw!)));
    for (const result of results) {
      if (result.status === 'fulfilled') served++;
      else failures.push(String((result.reason as Error).message));
    }
  }
  writing = false;
  await writer;
  expect(failures).toEqual([]);
  expect(served).toBeGreaterThan(8);
  expect(rewrites).toBeGreaterThan(20);
}, 30_000);

it('shutdown does not wait for a hung CLI: a request waiting on it gets a 503 and the gateway closes at once', async () => {
  const stale = oauthToken('stale');
  await world.home.installFakeClaude({ sleep: 60 });
  await world.home.writeLogin(stale, Date.now() - 60_000);
  // Not startLoginGateway: its start-up run hangs, and the request joins it.
  world.gw = await startGateway(world.standIn, world.home.env());
  const gw = world.gw;
  // Calls through: only watched, so the test closes once the request is waiting on the run (no fixed sleep).
  const joined = jest.spyOn(refreshOf(gw), 'runForRequest');
  const pending = ask(gw).catch((error: unknown) => error);
  await waitFor(async () => (await world.home.calls()).length === 1, 'the hung CLI run', 15_000);
  await waitFor(() => joined.mock.calls.length === 1, 'the request to wait on the hung run', 15_000);

  const closing = Date.now();
  await gw.close();
  world.gw = undefined;
  expect(Date.now() - closing).toBeLessThan(5000);
  const error = await pending;
  expect(error).toBeInstanceOf(OpenAI.APIError);
  expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
  expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('shutting_down');
  expect((error as Error).message).toContain('shutting down');
  expect(world.standIn.requests).toHaveLength(0);
}, 30_000);

it('redacts the login tokens from the refresh command output by value, whatever their shape', async () => {
  // Neither looks like `sk-ant-…`: only redaction by value can catch them.
  const access = 'plain-access-token-0f9e8d7c6b5a4';
  const refresh = 'plain-refresh-token-1a2b3c4d5e6f7';
  await world.home.installFakeClaude({ exitCode: 2, stderr: `refresh failed: access=${access} refresh=${refresh}\n` });
  await world.home.writeRaw(loginJson(access, Date.now() - 60_000, refresh));
  world.gw = await startLoginGateway(world.standIn, world.home);

  expect(refreshOf(world.gw).last).toMatchObject({ outcome: 'failed' });
  const logs = world.gw.logs.text;
  expect(logs).toContain('refresh failed: access=*** refresh=***');
  expect(logs).not.toContain(access);
  expect(logs).not.toContain(refresh);
});
