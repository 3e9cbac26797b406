import { messageCalls, useFederationWorld } from '../support/federation.js';
import { ask } from '../support/login-gateway.js';

/**
 * A LONG test (about 3.5 minutes, alone in its file so it runs beside the
 * others): tokens of 60 s, requests for longer than three of them, and not
 * one failure. Its time scale cannot be shortened: the SDK's refresh windows
 * (120 s advisory, 30 s mandatory) are constants in seconds of wall-clock
 * time. Nothing here is timed; the waits only make the time pass.
 */
const world = useFederationWorld();
const LIFETIME_S = 60;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('renews before expiry with no failed request, across three token lifetimes, steady traffic and idle gaps alike', async () => {
  const refused: string[] = [];
  world.standIn.auth = {
    issuedTokens: (token) => {
      const verdict = world.endpoint.verdict(token);
      if (verdict !== 'valid') refused.push(verdict);
      return verdict;
    },
  };
  world.endpoint.lifetimeSeconds = LIFETIME_S;
  const gw = await world.start();
  const failures: string[] = [];
  const start = Date.now();
  const until = start + (3 * LIFETIME_S + 10) * 1000;
  let round = 0;
  while (Date.now() < until) {
    round += 1;
    await ask(gw).catch((error: Error) => failures.push(`round ${round}: ${error.message}`));
    // Idle for longer than the 30 s mandatory window now and then: the next request must wait for a new token.
    await sleep(round % 10 === 0 ? 35_000 : 2_000);
  }
  expect(failures).toEqual([]);
  // Messages never saw an expired or unknown token: no 401 was hidden by the retry.
  expect(refused).toEqual([]);
  const used = new Set(messageCalls(world.standIn).map((r) => r.headers.authorization));
  expect(used.size).toBeGreaterThanOrEqual(4);
  // The span covered three lifetimes of the first token.
  expect(world.endpoint.exchanges.at(-1)!.at - world.endpoint.exchanges[0].at).toBeGreaterThan(3 * LIFETIME_S * 1000 - 15_000);
  expect(world.endpoint.exchanges.every((e) => e.status === 200)).toBe(true);
}, 400_000);
