import { Injectable } from '@nestjs/common';
import { CommandRunner } from '../system/command-runner.js';
import { Platform } from '../system/platform.js';

export const KEYCHAIN_SERVICE = 'Claude Code-credentials';
export const KEYCHAIN_ORIGIN = `the macOS Keychain item "${KEYCHAIN_SERVICE}"`;

const KEYCHAIN_TIMEOUT_MS = 10_000;

/** Claude Code on macOS keeps its login in the Keychain instead of the file. */
@Injectable()
export class KeychainReader {
  constructor(
    private readonly runner: CommandRunner,
    private readonly platform: Platform,
  ) {}

  get available(): boolean {
    return this.platform.isMacOS;
  }

  /** The item's JSON text, or why it could not be had (never its content). */
  async read(): Promise<{ ok: true; text: string } | { ok: false; problem: string }> {
    const result = await this.runner.run(['security', 'find-generic-password', '-s', KEYCHAIN_SERVICE, '-w'], {
      timeoutMs: KEYCHAIN_TIMEOUT_MS,
    });
    if (result.ok) return { ok: true, text: result.stdout.trim() };
    if (result.failure === 'exit' && result.exitCode === 44) {
      return { ok: false, problem: `${KEYCHAIN_ORIGIN} does not exist` };
    }
    return { ok: false, problem: `${KEYCHAIN_ORIGIN} could not be read (security: ${result.message})` };
  }
}
