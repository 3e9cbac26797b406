import { join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { CredentialsFile, type FileStamp, sameStamp } from '../system/credentials-file.js';
import { KEYCHAIN_ORIGIN, KeychainReader } from './keychain-reader.js';
import { rememberSecret } from '../../common/redaction/redact.js';
import { type LoginRead, parseLogin } from './login-token.js';

/**
 * Writing a file in place (truncate, then write) can be read half-done. A
 * read that finds no valid JSON waits this long, this many times, for the
 * writer to finish; then, if the file changed just now, the last good login
 * stands in for it, since the writer is still at work.
 */
const TORN_READ_RETRIES = 5;
const TORN_READ_PAUSE_MS = 20;
const WRITE_IN_PROGRESS_MS = 2000;

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
  /** The last login read whole from the file, for reads that meet a rewrite in progress. */
  private lastGoodFileRead: LoginRead | null = null;
  private keychainCache: LoginRead | null = null;
  private lastReported: LoginRead | null = null;

  constructor(
    config: AppConfig,
    private readonly file: CredentialsFile,
    private readonly keychain: KeychainReader,
  ) {
    this.path = join(config.loginDir ?? config.get('CLAUDE_CONFIG_DIR'), '.credentials.json');
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
    let read = await this.readFile();
    for (let i = 0; isTorn(read) && i < TORN_READ_RETRIES; i++) {
      await new Promise((resolve) => setTimeout(resolve, TORN_READ_PAUSE_MS));
      stamp = await this.file.stamp(this.path).catch(() => stamp);
      read = await this.readFile();
    }
    if (isTorn(read) && this.lastGoodFileRead && Date.now() - stamp.mtimeMs < WRITE_IN_PROGRESS_MS) {
      // Not cached: the next read looks at the file again.
      return this.lastGoodFileRead;
    }
    this.fileCache = { stamp, read };
    if (read.ok) this.lastGoodFileRead = read;
    return this.report(read);
  }

  private async readFile(): Promise<LoginRead> {
    try {
      return parseLogin(await this.file.read(this.path), this.path);
    } catch (error) {
      return fileProblem(this.path, (error as NodeJS.ErrnoException).code);
    }
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
    // From now on the token is redacted by value wherever it might surface.
    if (read.ok) {
      rememberSecret(read.token.accessToken);
      rememberSecret(read.token.refreshToken);
    }
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

const isTorn = (read: LoginRead): boolean => !read.ok && read.kind === 'not-json';

function fileProblem(path: string, code: string | undefined): LoginRead {
  const problem =
    code === 'ENOENT'
      ? `${path} does not exist (no Claude Code login for this user; ANTHROPIC_API_KEY would be used instead if set)`
      : `${path} cannot be read (${code ?? 'unknown error'})`;
  return { ok: false, origin: path, problem, kind: 'unreadable' };
}
