import { join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { CredentialsFile, type FileStamp, sameStamp } from '../system/credentials-file.js';
import { KEYCHAIN_ORIGIN, KeychainReader } from './keychain-reader.js';
import { type LoginRead, parseLogin } from './login-token.js';

export interface ReadOptions {
  /** Read again even though nothing cheap says it changed (after a refresh run, after a 401). */
  fresh?: boolean;
}

/**
 * The Claude Code login, read where Claude Code writes it. Asked on every
 * request, so an unchanged file costs one `stat`: it is re-read only when its
 * inode, size, mtime or ctime moved (an atomic rename brings a new inode, a
 * chmod a new ctime). The Keychain has no such cheap check, so its copy is
 * only read again when asked for a fresh read.
 */
@Injectable()
export class ClaudeLogin {
  private readonly logger = new Logger('ClaudeLogin');
  readonly path: string;
  private fileCache: { stamp: FileStamp; read: LoginRead } | null = null;
  private keychainCache: LoginRead | null = null;
  private lastReported: LoginRead | null = null;

  constructor(
    config: AppConfig,
    private readonly file: CredentialsFile,
    private readonly keychain: KeychainReader,
  ) {
    this.path = join(config.get('CLAUDE_CONFIG_DIR'), '.credentials.json');
  }

  async read(options: ReadOptions = {}): Promise<LoginRead> {
    let stamp: FileStamp;
    try {
      stamp = await this.file.stamp(this.path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && this.keychain.available) return this.report(await this.readKeychain(options));
      this.fileCache = null;
      return this.report(fileProblem(this.path, code));
    }
    if (!options.fresh && this.fileCache && sameStamp(this.fileCache.stamp, stamp)) return this.fileCache.read;
    let read: LoginRead;
    try {
      read = parseLogin(await this.file.read(this.path), this.path);
    } catch (error) {
      read = fileProblem(this.path, (error as NodeJS.ErrnoException).code);
    }
    this.fileCache = { stamp, read };
    return this.report(read);
  }

  /** Group- or world-readable is worth a warning: the file holds a refresh token. */
  async permissionWarning(): Promise<string | null> {
    try {
      const { mode } = await this.file.stamp(this.path);
      if ((mode & 0o077) === 0) return null;
      const octal = (mode & 0o777).toString(8).padStart(3, '0');
      return `${this.path} is accessible by group or others (mode ${octal}); it holds a refresh token, restrict it with: chmod 600 ${this.path}`;
    } catch {
      return null;
    }
  }

  private async readKeychain(options: ReadOptions): Promise<LoginRead> {
    if (this.keychainCache && !options.fresh) return this.keychainCache;
    const item = await this.keychain.read();
    this.keychainCache = item.ok
      ? parseLogin(item.text, KEYCHAIN_ORIGIN)
      : { ok: false, origin: KEYCHAIN_ORIGIN, problem: item.problem };
    return this.keychainCache;
  }

  /** One log line per change of state, not one per request. */
  private report(read: LoginRead): LoginRead {
    const previous = this.lastReported;
    this.lastReported = read;
    if (!read.ok) {
      if (previous?.ok !== false || previous.problem !== read.problem) {
        this.logger.error(`Claude Code login unusable: ${read.problem}`);
      }
    } else if (!previous?.ok) {
      this.logger.log(`Claude Code login read from ${read.origin}`);
    } else if (previous.token.accessToken !== read.token.accessToken) {
      this.logger.log(`Claude Code login changed in ${read.origin}; using the new token`);
    }
    return read;
  }
}

function fileProblem(path: string, code: string | undefined): LoginRead {
  const problem =
    code === 'ENOENT'
      ? `${path} does not exist (no Claude Code login for this user; ANTHROPIC_API_KEY would be used instead if set)`
      : `${path} cannot be read (${code ?? 'unknown error'})`;
  return { ok: false, origin: path, problem };
}
