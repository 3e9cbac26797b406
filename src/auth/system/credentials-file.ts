import { readFile, stat } from 'node:fs/promises';
import { Injectable } from '@nestjs/common';

/** What changes whenever the file is rewritten in place, replaced by rename, or re-permissioned. */
export interface FileStamp {
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  mode: number;
}

/** File access for the login, behind a class so that nothing else touches fs. Async only: it runs per request. */
@Injectable()
export class CredentialsFile {
  async stamp(path: string): Promise<FileStamp> {
    const s = await stat(path);
    return { ino: s.ino, size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, mode: s.mode };
  }

  read(path: string): Promise<string> {
    return readFile(path, 'utf8');
  }
}

export const sameStamp = (a: FileStamp, b: FileStamp): boolean =>
  a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
