import { inCI } from './ci.js';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createConnection } from 'node:net';
import { closedPort } from './raw-http.js';

/**
 * A real Redis (Debian's `redis-server`, which `.ci/run` installs) on a free
 * loopback port, without persistence, for one test file. `stop()` and
 * `start()` again on the same port play an outage and a recovery.
 */
export class RedisServer {
  private process: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly password: string | undefined,
  ) {}

  static available(): boolean {
    return spawnSync('redis-server', ['--version']).status === 0;
  }

  /** `password`: `requirepass`, so clients must authenticate (as `default`). */
  static async start(options: { password?: string } = {}): Promise<RedisServer> {
    const server = new RedisServer(await closedPort(), options.password);
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://${this.password ? `default:${encodeURIComponent(this.password)}@` : ''}127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'];
    if (this.password) args.push('--requirepass', this.password);
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.process = child;
    // Listening: a TCP connection is accepted.
    for (let attempt = 0; ; attempt++) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      if (await accepts(this.port)) return;
      if (attempt > 200) throw new Error(`redis-server did not listen on ${this.port}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** A Redis that accepts connections but answers nothing (SIGSTOP), until `resume()`. */
  pause(): void {
    this.process?.kill('SIGSTOP');
  }

  resume(): void {
    this.process?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    const child = this.process;
    this.process = null;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Where `redis-server` is not installed (CI always installs it), the Redis tests say loudly that they are skipped. */
export function redisOrSkip(): boolean {
  if (RedisServer.available()) return true;
  if (inCI()) throw new Error('redis-server is not installed: .ci/run installs it (apt-get install -y redis-server)');
  console.warn('\n*** redis-server is not installed: the Redis tests are SKIPPED (apt-get install -y redis-server) ***\n');
  return false;
}
