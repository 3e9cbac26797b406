import OpenAI from 'openai';
import { RefreshService } from '../../src/refresh/refresh.service.js';
import type { AnthropicStandIn } from './anthropic-stand-in.js';
import { type ClaudeHome, waitFor } from './claude-home.js';
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
  await waitFor(() => refresh.last !== null, 'the start-up refresh');
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
