import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway HOME with a Claude Code config dir and a `bin` directory of
 * fake executables that goes first on the gateway's PATH. The fakes are real
 * shell scripts: the gateway really spawns them.
 */

export interface FakeClaudeOptions {
  /** Seconds to sleep before doing anything (for single-flight and hung-CLI tests). */
  sleep?: number;
  exitCode?: number;
  /** Never touch the login, even with a renewal staged (a CLI that does not renew). */
  renewsNothing?: boolean;
  /**
   * Apply a staged renewal whatever the expiry: not the real CLI, but a
   * custom REFRESH_COMMAND that always fetches a new token (e.g. from a vault).
   */
  renewsAlways?: boolean;
  /** Text the command prints on stderr (for redaction tests). */
  stderr?: string;
}

/** The real CLI renews only when the login expires within this window (its bundle's 300,000 ms). */
export const CLI_RENEWAL_WINDOW_MS = 5 * 60_000;

/** A token the stand-in treats as OAuth (`sk-ant-oat…`), unique per call so logs can be searched for it. */
export const oauthToken = (label: string) => `sk-ant-oat01-${label}-${randomBytes(12).toString('hex')}`;

export const loginJson = (accessToken: string, expiresAtMs: number, refreshToken = oauthRefreshToken()) =>
  JSON.stringify({
    claudeAiOauth: {
      accessToken,
      refreshToken,
      expiresAt: expiresAtMs,
      scopes: ['user:inference', 'user:profile'],
      subscriptionType: 'max',
    },
  });

export const oauthRefreshToken = () => `sk-ant-ort01-${randomBytes(12).toString('hex')}`;

export const HOUR = 3_600_000;

export class ClaudeHome {
  private constructor(readonly root: string) {}

  static async create(): Promise<ClaudeHome> {
    const root = await mkdtemp(join(tmpdir(), 'ccp-cred-'));
    const home = new ClaudeHome(root);
    await mkdir(home.configDir, { recursive: true, mode: 0o700 });
    await mkdir(home.bin, { recursive: true });
    return home;
  }

  get home() {
    return join(this.root, 'home');
  }
  get configDir() {
    return join(this.home, '.claude');
  }
  get credentialsPath() {
    return join(this.configDir, '.credentials.json');
  }
  get bin() {
    return join(this.root, 'bin');
  }
  get callsLog() {
    return join(this.root, 'claude-calls.log');
  }
  /** Where a test stages the login the fake CLI writes on its next run. */
  get staged() {
    return join(this.root, 'next-login.json');
  }

  /** The gateway's environment: this home, the fake CLI first on PATH, and no API key unless `extra` sets one. */
  env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    return {
      HOME: this.home,
      PATH: `${this.bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      ANTHROPIC_API_KEY: undefined,
      ...extra,
    };
  }

  /** Writes the login in place (same inode), as an editor would. */
  async writeLogin(accessToken: string, expiresAtMs: number, mode = 0o600): Promise<void> {
    await writeFile(this.credentialsPath, loginJson(accessToken, expiresAtMs), { mode });
    await chmod(this.credentialsPath, mode);
  }

  /** Replaces the login through a temp file and rename (a new inode), as Claude Code does. */
  async replaceLogin(accessToken: string, expiresAtMs: number): Promise<void> {
    const temp = `${this.credentialsPath}.tmp-${process.pid}`;
    await writeFile(temp, loginJson(accessToken, expiresAtMs), { mode: 0o600 });
    await rename(temp, this.credentialsPath);
  }

  async writeRaw(text: string, mode = 0o600): Promise<void> {
    await writeFile(this.credentialsPath, text, { mode });
    await chmod(this.credentialsPath, mode);
  }

  /** The next run of the fake CLI will renew the login to this token. */
  async stageRenewal(accessToken: string, expiresAtMs: number): Promise<void> {
    await writeFile(this.staged, loginJson(accessToken, expiresAtMs), { mode: 0o600 });
  }

  async calls(): Promise<string[]> {
    const text = await readFile(this.callsLog, 'utf8').catch(() => '');
    return text.split('\n').filter(Boolean);
  }

  /**
   * A fake `claude` that behaves like the real one where the gateway can
   * tell: `--version` (`-v`, `-V`) prints and returns before any auth code;
   * any other command renews only a login within 5 minutes of expiry (or
   * past it), by writing the staged login through a temp file and an atomic
   * rename. It logs its arguments and the CLAUDE_CONFIG_DIR it was given.
   * Kept for the failures the real binary cannot be made to show (a hang,
   * an exit code, a CLI that never renews); renewal itself is proven against
   * the real binary in real-cli.e2e-spec.ts.
   */
  async installFakeClaude(options: FakeClaudeOptions = {}): Promise<void> {
    const script = `
const fs = require('node:fs');
const path = require('node:path');
const args = process.argv.slice(2);
if (['--version', '-v', '-V'].includes(args[0])) { console.log('0.0.0 (Claude Code, test fake)'); process.exit(0); }
fs.appendFileSync(${JSON.stringify(this.callsLog)}, args.join(' ') + ' | ' + (process.env.CLAUDE_CONFIG_DIR ?? '') + '\\n');
const finish = () => {
  ${options.stderr ? `process.stderr.write(${JSON.stringify(options.stderr)});` : ''}
  const login = path.join(process.env.CLAUDE_CONFIG_DIR ?? '', '.credentials.json');
  const staged = ${JSON.stringify(this.staged)};
  let expiresAt = 0;
  try { expiresAt = JSON.parse(fs.readFileSync(login, 'utf8')).claudeAiOauth.expiresAt; } catch {}
  const due = ${options.renewsAlways ? 'true' : `expiresAt - Date.now() <= ${CLI_RENEWAL_WINDOW_MS}`};
  if (${options.renewsNothing ? 'false' : 'true'} && due && fs.existsSync(staged)) {
    const tmp = login + '.tmp.' + process.pid;
    fs.copyFileSync(staged, tmp);
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, login);
    fs.rmSync(staged);
  }
  process.exit(${options.exitCode ?? 0});
};
setTimeout(finish, ${Math.round((options.sleep ?? 0) * 1000)});
`;
    await writeFile(join(this.bin, 'claude'), `#!${process.execPath}\n${script}`, { mode: 0o755 });
  }

  /** A fake macOS `security` that serves `item` as the Keychain item, or "not found" (exit 44) without one. */
  async installFakeSecurity(item: string | null): Promise<void> {
    const itemPath = join(this.root, 'keychain-item.json');
    if (item !== null) await writeFile(itemPath, item);
    await this.installScript(
      'security',
      `printf '%s\\n' "$*" >> '${join(this.root, 'security-calls.log')}'
if [ -f '${itemPath}' ]; then cat '${itemPath}'; exit 0; fi
echo 'security: SecKeychainSearchCopyNext: The specified item could not be found in the keychain.' >&2
exit 44`,
    );
  }

  async securityCalls(): Promise<string[]> {
    const text = await readFile(join(this.root, 'security-calls.log'), 'utf8').catch(() => '');
    return text.split('\n').filter(Boolean);
  }

  async installScript(name: string, body: string): Promise<void> {
    await writeFile(join(this.bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  }

  async remove(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}

/** Polls until `condition` holds; the failure message names what was awaited. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
