import { AnthropicStandIn } from './anthropic-stand-in.js';
import { startGateway, type Gateway } from './gateway.js';

/**
 * One stand-in and one gateway per test file, reset before each test; the
 * returned object is filled in by `beforeAll`.
 */
export function useGateway(env?: Record<string, string | undefined>): { standIn: AnthropicStandIn; gw: Gateway } {
  const ctx = {} as { standIn: AnthropicStandIn; gw: Gateway };
  beforeAll(async () => {
    ctx.standIn = await AnthropicStandIn.start();
    ctx.gw = await startGateway(ctx.standIn, env);
  });
  beforeEach(() => ctx.standIn.reset());
  afterAll(async () => {
    await ctx.gw?.close();
    await ctx.standIn?.close();
  });
  return ctx;
}

/** POST a raw body, as a client that is not an SDK would (to chat completions unless `path` says otherwise). */
export async function postRaw(
  url: string,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  path = '/v1/chat/completions',
): Promise<{ status: number; headers: Headers; json: any; text: string }> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers, body });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}
