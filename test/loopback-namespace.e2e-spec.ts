import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInLoopbackNamespace } from './support/loopback-namespace.js';
import { describeWith } from './support/optional-tool.js';
import { closedPort } from './support/raw-http.js';
import { netnsTools } from './support/real-claude.js';

/** The runner the real-CLI tests (Codex) rely on to end a client that hangs; skipped loudly without a namespace, failing in CI. */
const describeWithNamespace = describeWith('a loopback-only network namespace', netnsTools() ? { ok: true } : { ok: false, why: 'it needs root and unshare' });

describeWithNamespace('a program run in a loopback-only namespace', () => {
  it('that outlives its time is killed with what it started, and the run resolves', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'ccp-netns-test-'));
    // A duration no other process has, to find the sleeper by.
    const marker = `sleep 59.${String(process.pid).padStart(7, '0')}${Date.now() % 1000}`;
    try {
      const started = Date.now();
      // A shell that starts a child holding the output pipes, as a client CLI starts its workers.
      const run = await runInLoopbackNamespace({
        command: '/bin/sh',
        args: ['-c', `echo begun; ${marker} & wait`],
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
        cwd,
        port: await closedPort(),
        target: { host: '127.0.0.1', port: await closedPort() },
        timeoutMs: 5000,
      });
      expect(run?.stdout).toContain('begun');
      expect(run?.stderr).toContain('killed after 5000 ms');
      expect(Date.now() - started).toBeLessThan(25_000);
      // Nothing it started is left running.
      expect(running(marker)).toEqual([]);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  }, 30_000);
});

/** The processes whose command line is `command` (read from /proc: no pgrep needed on a slim image). */
function running(command: string): string[] {
  return readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim() === command;
      } catch {
        return false;
      }
    });
}
