import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LaunchEnvironment } from '../../config/launch-environment.js';
import { CommandRunner } from './command-runner.js';

let dir: string;
let runner: CommandRunner;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccp-runner-'));
  runner = new CommandRunner(new LaunchEnvironment({ PATH: `${dir}:/usr/bin:/bin`, ONLY_IN_LAUNCH_ENV: 'launch' }));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const script = (name: string, body: string) => writeFile(join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });

it('runs argv without a shell, with the launch environment (not process.env) plus per-run variables', async () => {
  await script('show', 'printf "%s|" "$@"; printf "%s|%s|%s" "$ONLY_IN_LAUNCH_ENV" "$EXTRA" "${HOME:-unset}"');
  const pwned = join(dir, 'pwned');
  const result = await runner.run(['show', '--version;', 'touch', pwned, '$HOME'], { timeoutMs: 5000, env: { EXTRA: 'x' } });
  expect(result).toEqual({ ok: true, stdout: `--version;|touch|${pwned}|$HOME|launch|x|unset`, stderr: '' });
  await expect(stat(pwned)).rejects.toThrow('ENOENT');
});

it('reports a missing executable as not-found', async () => {
  const result = await runner.run(['no-such-cli', '--version'], { timeoutMs: 5000 });
  expect(result).toMatchObject({ ok: false, failure: 'not-found', message: 'no-such-cli: not found on PATH' });
});

it('reports a non-zero exit with its code and output', async () => {
  await script('fail', 'echo out; echo err >&2; exit 7');
  const result = await runner.run(['fail'], { timeoutMs: 5000 });
  expect(result).toEqual({ ok: false, failure: 'exit', exitCode: 7, stdout: 'out\n', stderr: 'err\n', message: 'exited with code 7' });
});

it('kills the whole process group on timeout, so a child holding the pipes cannot delay the answer', async () => {
  const marker = join(dir, 'survivor');
  await script('hang', `sleep 5; touch '${marker}'`);
  const started = Date.now();
  const result = await runner.run(['hang'], { timeoutMs: 200 });
  expect(Date.now() - started).toBeLessThan(2000);
  expect(result).toMatchObject({ ok: false, failure: 'timeout', message: 'timed out after 200 ms' });
  await expect(readFile(marker)).rejects.toThrow('ENOENT');
});

it('kills what is still running at shutdown', async () => {
  await script('hang', 'sleep 5');
  const pending = runner.run(['hang'], { timeoutMs: 60_000 });
  await new Promise((resolve) => setTimeout(resolve, 100));
  runner.onApplicationShutdown();
  await expect(pending).resolves.toMatchObject({ ok: false, failure: 'exit', message: 'killed by SIGKILL' });
});
