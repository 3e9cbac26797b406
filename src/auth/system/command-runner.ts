import { spawn } from 'node:child_process';
import { type BeforeApplicationShutdown, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { LaunchEnvironment } from '../../config/launch-environment.js';

export type CommandFailure = 'not-found' | 'timeout' | 'exit' | 'error';

export type CommandResult =
  | { ok: true; stdout: string; stderr: string }
  | { ok: false; failure: CommandFailure; exitCode: number | null; stdout: string; stderr: string; message: string };

export interface RunOptions {
  timeoutMs: number;
  /** Added to the launch environment for this child only. */
  env?: Record<string, string>;
}

/** Output beyond this is dropped: only the first lines are ever logged. */
const MAX_OUTPUT = 64 * 1024;

/**
 * The only place a child process is started. Always argv, never a shell, so
 * nothing in a configured command is ever interpreted. Each child leads its
 * own process group so that a timeout also ends whatever it started (a shell
 * script's `sleep` would otherwise hold the pipes open past the kill).
 */
@Injectable()
export class CommandRunner implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly running = new Set<() => void>();

  constructor(private readonly launch: LaunchEnvironment) {}

  run(argv: readonly string[], options: RunOptions): Promise<CommandResult> {
    const [file, ...args] = argv;
    if (!file) return Promise.resolve(failed('error', null, '', '', 'empty command'));
    return new Promise((resolve) => {
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      let settled = false;
      const child = spawn(file, args, {
        env: { ...this.launch.vars, ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: process.platform !== 'win32',
        windowsHide: true,
      });
      const killGroup = () => {
        if (child.pid === undefined || child.exitCode !== null) return;
        try {
          process.kill(process.platform === 'win32' ? child.pid : -child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      };
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup();
      }, options.timeoutMs);
      this.running.add(killGroup);
      const settle = (result: CommandResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.running.delete(killGroup);
        resolve(result);
      };
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout = (stdout + d).slice(0, MAX_OUTPUT)));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(0, MAX_OUTPUT)));
      child.on('error', (error: NodeJS.ErrnoException) => {
        const failure = error.code === 'ENOENT' ? 'not-found' : 'error';
        settle(failed(failure, null, stdout, stderr, failure === 'not-found' ? `${file}: not found on PATH` : error.message));
      });
      child.on('close', (code, signal) => {
        if (timedOut) settle(failed('timeout', null, stdout, stderr, `timed out after ${options.timeoutMs} ms`));
        else if (code === 0) settle({ ok: true, stdout, stderr });
        else settle(failed('exit', code, stdout, stderr, code === null ? `killed by ${signal}` : `exited with code ${code}`));
      });
    });
  }

  /** Kills every child still running (its whole process group). */
  killAll(): void {
    for (const kill of this.running) kill();
  }

  /**
   * Before the HTTP server is closed: a request waiting on a hung child would
   * otherwise hold the server, and so the shutdown, open until its timeout.
   */
  beforeApplicationShutdown(): void {
    this.killAll();
  }

  /** Anything started during shutdown would keep the process (and jest) alive. */
  onApplicationShutdown(): void {
    this.killAll();
  }
}

function failed(
  failure: CommandFailure,
  exitCode: number | null,
  stdout: string,
  stderr: string,
  message: string,
): CommandResult {
  return { ok: false, failure, exitCode, stdout, stderr, message };
}
