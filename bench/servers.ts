/**
 * The three servers the bench compares, each in its own process in front of
 * the same loopback stand-in: the bare translator (the floor), this gateway,
 * and the Portkey gateway (the peer). Each knows how to be asked for a chat
 * completion.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, startServer, type Server } from './processes.js';

export interface Target extends Server {
  /** Request headers this server needs besides content-type. */
  headers: Record<string, string>;
}

const KEY = 'sk-ant-api03-bench-0000000000';

/** A gateway's environment in front of `standIn`: its address, and the bench's API key. */
export function upstreamEnv(standIn: Pick<Server, 'port'>): { ANTHROPIC_BASE_URL: string; ANTHROPIC_API_KEY: string } {
  return { ANTHROPIC_BASE_URL: `http://127.0.0.1:${standIn.port}`, ANTHROPIC_API_KEY: KEY };
}
const portkeyScript = fileURLToPath(new URL('../../node_modules/@portkey-ai/gateway/build/start-server.js', import.meta.url));

export async function startStandIn(): Promise<Server> {
  return startServer('stand-in', 'bench/stand-in-server.js', await freePort(), {}, { readyPath: '/' });
}

/**
 * The stack's own floors (stack-floor.ts): the bare translator's work in a
 * minimal Nest app, without and with the SDK. Non-streaming only.
 */
export async function startStackFloors(standIn: Server): Promise<Target[]> {
  const env = upstreamEnv(standIn);
  const nest = await startServer('Nest floor', 'bench/stack-floor.js', await freePort(), env, { readyPath: '/' });
  const sdk = await startServer('Nest + SDK floor', 'bench/stack-floor.js', await freePort(), { ...env, STACK_FLOOR_SDK: '1' }, { readyPath: '/' });
  return [
    { ...nest, headers: {} },
    { ...sdk, headers: {} },
  ];
}

export async function startTargets(standIn: Server): Promise<Target[]> {
  const env = upstreamEnv(standIn);
  const upstream = env.ANTHROPIC_BASE_URL;
  const baseline = await startServer('bare translator', 'bench/baseline-translator.js', await freePort(), env, { readyPath: '/' });
  // GATEWAY_NODE_ARGS: node flags for the gateway alone (e.g. V8 heap settings to try), space-separated.
  const nodeArgs = process.env.GATEWAY_NODE_ARGS?.split(' ').filter(Boolean);
  const gateway = await startServer('claude-code-proxy', 'src/main.js', await freePort(), env, { nodeArgs });
  if (!existsSync(portkeyScript)) {
    // An optional dependency (it is no part of the image): npm ci installs it unless optional ones are omitted.
    throw new Error(`the bench compares against the Portkey gateway, and ${portkeyScript} is missing: run \`npm ci\` without --omit=optional`);
  }
  const portkeyPort = await freePort();
  // --headless: no console UI, no log-streaming endpoint; nothing but the gateway.
  const portkey = await startServer('portkey gateway', portkeyScript, portkeyPort, {}, {
    args: [`--port=${portkeyPort}`, '--headless'],
    readyPath: '/',
    // It prints a stack trace for every request it cannot stream (see README).
    quiet: true,
  });
  return [
    { ...baseline, headers: {} },
    { ...gateway, headers: {} },
    {
      ...portkey,
      headers: {
        'x-portkey-provider': 'anthropic',
        'x-portkey-custom-host': `${upstream}/v1`,
        authorization: `Bearer ${KEY}`,
      },
    },
  ];
}
