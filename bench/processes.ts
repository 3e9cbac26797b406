import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Usage } from './probe.js';

/** A free loopback port, asked of the OS: the tests' port nothing listens on, for a server to take. */
export { closedPort as freePort } from '../test/support/raw-http.js';

export interface Server {
  name: string;
  port: number;
  child: ChildProcess;
}

const compiled = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const probe = compiled('bench/probe.js');

/**
 * Starts a server in its own process (so it does not share an event loop
 * with the load generator), with the usage probe preloaded and an IPC
 * channel to ask it, and waits until it answers on `readyPath`.
 */
export async function startServer(
  name: string,
  script: string,
  port: number,
  env: Record<string, string>,
  options: { args?: string[]; readyPath?: string; nodeArgs?: string[]; quiet?: boolean } = {},
): Promise<Server> {
  const path = script.startsWith('/') ? script : compiled(script);
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', probe, path, ...(options.args ?? [])], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port), LOG_LEVEL: 'warn', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'ignore', options.quiet ? 'ignore' : 'inherit', 'ipc'],
  });
  // Up to a minute: start-up takes several seconds on a busy shared machine.
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) break;
    try {
      const res = await fetch(`http://127.0.0.1:${port}${options.readyPath ?? '/health/live'}`);
      await res.arrayBuffer();
      return { name, port, child };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  child.kill();
  throw new Error(`${name} did not start on port ${port}`);
}

/** Sends `message` to a server's probe (probe.ts) and waits for the answer `pick` accepts. */
export function ask<T>(server: Server, message: string, pick: (answer: unknown) => T | undefined, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const listener = (answer: unknown) => {
      const picked = pick(answer);
      if (picked === undefined) return;
      clearTimeout(timer);
      server.child.off('message', listener);
      resolve(picked);
    };
    const timer = setTimeout(() => {
      server.child.off('message', listener);
      reject(new Error(`${server.name} did not answer ${message}`));
    }, timeoutMs);
    server.child.on('message', listener);
    server.child.send(message);
  });
}

/** CPU and memory as the server itself sees them (see probe.ts). */
export function usage(server: Server): Promise<Usage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${server.name} did not report its usage`)), 5000);
    server.child.once('message', (message) => {
      clearTimeout(timer);
      resolve(message as Usage);
    });
    server.child.send('usage');
  });
}

export async function stopServer(server: Server): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  const exited = once(server.child, 'exit');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

export const median = (xs: number[]) => percentile(xs, 50);
export function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
