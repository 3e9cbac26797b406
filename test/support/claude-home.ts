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
  /** Seconds to sleep before doing anything (for single-flight tests). */
  sleep?: number;
  exitCode?: number;
  /** Never touch the login, even with a renewal staged (a CLI that does not renew). */
  renewsNothing?: boolean;
}

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
   * A fake `claude`: logs its arguments and the CLAUDE_CONFIG_DIR it was given,
   * then, when a renewal is staged, writes it over the login with a temp file
   * and an atomic rename, as the real CLI does when it renews.
   */
  async installFakeClaude(options: FakeClaudeOptions = {}): Promise<void> {
    const renew = options.renewsNothing
      ? ''
      : `if [ -f '${this.staged}' ]; then
  tmp="$CLAUDE_CONFIG_DIR/.credentials.json.tmp.$$"
  cp '${this.staged}' "$tmp" && mv -f "$tmp" "$CLAUDE_CONFIG_DIR/.credentials.json" && rm -f '${this.staged}'
fi`;
    await this.installScript(
      'claude',
      `printf '%s | %s\\n' "$*" "$CLAUDE_CONFIG_DIR" >> '${this.callsLog}'
${options.sleep ? `sleep ${options.sleep}` : ''}
${renew}
exit ${options.exitCode ?? 0}`,
    );
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
