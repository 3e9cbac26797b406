import { rm, utimes, writeFile } from 'node:fs/promises';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { ClaudeHome, HOUR, loginJson, oauthToken } from '../../../test/support/claude-home.js';
import type { AppConfig } from '../../config/app-config.js';
import { LaunchEnvironment } from '../../config/launch-environment.js';
import { CommandRunner } from '../system/command-runner.js';
import { CredentialsFile } from '../system/credentials-file.js';
import { Platform } from '../system/platform.js';
import { redactSecrets } from '../../common/redaction/redact.js';
import { ClaudeLogin } from './claude-login.js';
import { KEYCHAIN_ORIGIN, KeychainReader } from './keychain-reader.js';

let home: ClaudeHome;

beforeAll(() => Logger.overrideLogger(false));
beforeEach(async () => {
  home = await ClaudeHome.create();
});
afterEach(() => home.remove());

/** The real classes, with only the platform chosen and PATH pointing at the fakes. */
function loginFor(platform: NodeJS.Platform): { login: ClaudeLogin; file: CredentialsFile } {
  const runner = new CommandRunner(new LaunchEnvironment({ PATH: `${home.bin}:/usr/bin:/bin` }));
  const config = { get: (key: string) => (key === 'CLAUDE_CONFIG_DIR' ? home.configDir : undefined) } as AppConfig;
  const file = new CredentialsFile();
  return { login: new ClaudeLogin(config, file, new KeychainReader(runner, new Platform(platform))), file };
}

describe('on macOS (forced, with a fake `security`)', () => {
  it('falls back to the Keychain item when the file is absent', async () => {
    const token = oauthToken('keychain');
    await home.installFakeSecurity(loginJson(token, 1_900_000_000_000));
    const { login } = loginFor('darwin');
    expect(await login.read()).toMatchObject({
      ok: true,
      origin: KEYCHAIN_ORIGIN,
      token: { accessToken: token, expiresAtMs: 1_900_000_000_000 },
    });
    expect(await home.securityCalls()).toEqual(['find-generic-password -s Claude Code-credentials -w']);
  });

  it('reads the Keychain again only when asked for a fresh read (no cheap change check exists)', async () => {
    await home.installFakeSecurity(loginJson(oauthToken('keychain'), 1_900_000_000_000));
    const { login } = loginFor('darwin');
    await login.read();
    await login.read();
    expect(await home.securityCalls()).toHaveLength(1);
    await login.read({ fresh: true });
    expect(await home.securityCalls()).toHaveLength(2);
  });

  it('says so when the item does not exist', async () => {
    await home.installFakeSecurity(null);
    const read = await loginFor('darwin').login.read();
    expect(read).toMatchObject({ ok: false, origin: KEYCHAIN_ORIGIN, problem: `${KEYCHAIN_ORIGIN} does not exist` });
  });

  it('prefers the file when there is one', async () => {
    const token = oauthToken('file');
    await home.installFakeSecurity(loginJson(oauthToken('keychain'), 1));
    await home.writeLogin(token, Date.now() + HOUR);
    const read = await loginFor('darwin').login.read();
    expect(read.ok && read.token.accessToken).toBe(token);
    expect(await home.securityCalls()).toEqual([]);
  });
});

describe('on Linux', () => {
  it('never asks the Keychain', async () => {
    await home.installFakeSecurity(loginJson(oauthToken('keychain'), 1));
    const read = await loginFor('linux').login.read();
    expect(read).toMatchObject({ ok: false, problem: expect.stringContaining('does not exist') });
    expect(await home.securityCalls()).toEqual([]);
  });

  it('re-reads the file only when its stamp changes', async () => {
    await home.writeLogin(oauthToken('a'), Date.now() + HOUR);
    const { login, file } = loginFor('linux');
    const reads = jest.spyOn(file, 'read');
    await login.read();
    await login.read();
    await login.read();
    expect(reads).toHaveBeenCalledTimes(1);
    const next = oauthToken('b');
    await home.replaceLogin(next, Date.now() + HOUR);
    const read = await login.read();
    expect(read.ok && read.token.accessToken).toBe(next);
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('forgets a deleted file', async () => {
    await home.writeLogin(oauthToken('a'), Date.now() + HOUR);
    const { login } = loginFor('linux');
    expect((await login.read()).ok).toBe(true);
    await rm(home.credentialsPath);
    expect((await login.read()).ok).toBe(false);
  });

  describe('a login rewritten in place (truncate, then write) is never seen half-done', () => {
    it('waits briefly and reads again when the writer finishes within the wait', async () => {
      const first = oauthToken('first');
      const next = oauthToken('next');
      await home.writeLogin(first, Date.now() + HOUR);
      const { login } = loginFor('linux');
      await login.read();
      await writeFile(home.credentialsPath, loginJson(next, Date.now() + HOUR).slice(0, 30));
      const finish = new Promise((resolve) => setTimeout(resolve, 30)).then(() => home.writeLogin(next, Date.now() + HOUR));
      const read = await login.read();
      await finish;
      expect(read.ok && read.token.accessToken).toBe(next);
    });

    it('keeps the last good login while a file that changed just now is still torn', async () => {
      const first = oauthToken('first');
      await home.writeLogin(first, Date.now() + HOUR);
      const { login } = loginFor('linux');
      await login.read();
      await writeFile(home.credentialsPath, '');
      const read = await login.read();
      expect(read.ok && read.token.accessToken).toBe(first);
    });

    it('reports a file that stays invalid long after it last changed: that is no write in progress', async () => {
      await home.writeLogin(oauthToken('first'), Date.now() + HOUR);
      const { login } = loginFor('linux');
      await login.read();
      await writeFile(home.credentialsPath, '{"claudeAiOauth":');
      const old = new Date(Date.now() - 60_000);
      await utimes(home.credentialsPath, old, old);
      expect(await login.read()).toMatchObject({ ok: false, kind: 'not-json' });
    });
  });
});

describe('redaction', () => {
  it('a token once read is redacted by value, whatever its shape', async () => {
    const token = 'plain-login-token-without-a-known-prefix-42';
    await home.writeLogin(token, 1_900_000_000_000);
    const { login } = loginFor('linux');
    expect(redactSecrets(`rejected ${token}`)).toContain(token);
    await login.read();
    expect(redactSecrets(`rejected ${token}`)).toBe('rejected ***');
  });
});
