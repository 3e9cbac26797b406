import OpenAI from 'openai';
import { RefreshService } from '../../src/refresh/refresh.service.js';
import { AnthropicStandIn, type AuthPolicy } from './anthropic-stand-in.js';
import { ClaudeHome, waitFor } from './claude-home.js';
import { type Gateway, startGateway } from './gateway.js';

/**
 * A gateway on the Claude Code login in `home`, returned once its start-up
 * refresh has finished, so that a renewal a test stages afterwards is left
 * for the run the test is about.
 */
export async function startLoginGateway(
  standIn: AnthropicStandIn,
  home: ClaudeHome,
  extra: Record<string, string | undefined> = {},
): Promise<Gateway> {
  const gw = await startGateway(standIn, home.env(extra));
  const refresh = gw.app.get(RefreshService);
  // The run spawns a process: seconds, not milliseconds, on a busy CI machine.
  await waitFor(() => refresh.last !== null, 'the start-up refresh', 15_000);
  return gw;
}

export const refreshOf = (gw: Gateway) => gw.app.get(RefreshService);

export async function health(gw: Gateway, path = '/health/ready'): Promise<{ status: number; text: string; body: any }> {
  const res = await fetch(`${gw.url}${path}`);
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) };
}

export const ask = (gw: Gateway) =>
  gw.openai.chat.completions.create({ model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: 'hi' }] });

/** The error a request fails with; a request that succeeds fails the test. */
export async function askForError(gw: Gateway): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await ask(gw);
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error;
    throw error;
  }
  throw new Error('the request should have failed');
}

export const errorMessage = (error: InstanceType<typeof OpenAI.APIError>) => (error.error as { message: string }).message;

/** One Claude-login test's surroundings: see `useLoginWorld`. */
export interface LoginWorld {
  standIn: AnthropicStandIn;
  home: ClaudeHome;
  /** The gateway the test started, closed after it. */
  gw: Gateway | undefined;
}

/**
 * One stand-in per test file, a fresh temporary HOME per test, and the
 * gateway a test starts closed after it. `afterTest` sees the gateway's logs
 * before it closes (for the checks that no secret was written).
 */
export function useLoginWorld(options: {
  auth: () => AuthPolicy;
  prepare?: (home: ClaudeHome) => Promise<void>;
  afterTest?: (logs: string) => void;
}): LoginWorld {
  const world = {} as LoginWorld;
  beforeAll(async () => {
    world.standIn = await AnthropicStandIn.start();
  });
  beforeEach(async () => {
    world.standIn.reset();
    world.standIn.auth = options.auth();
    world.home = await ClaudeHome.create();
    await options.prepare?.(world.home);
  });
  afterEach(async () => {
    const logs = world.gw?.logs.text ?? '';
    await world.gw?.close();
    world.gw = undefined;
    await world.home.remove();
    options.afterTest?.(logs);
  });
  afterAll(() => world.standIn.close());
  return world;
}
