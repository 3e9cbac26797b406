// `npm ci` works on every platform a developer or a builder may have: what is
// bound to one platform is optional, the tests that need it say so when it is
// absent (and fail in CI, where it must be present), and CI proves the
// install on platforms it is not (scripts/install-anywhere.mjs).
import { describe, expect, it, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inCI } from '../support/ci.js';
import { describeWith } from '../support/optional-tool.js';
import { projectRoot } from './layer-binaries.mjs';

const readJson = (f: string) => JSON.parse(readFileSync(join(projectRoot, f), 'utf8'));

interface LockedPackage {
  os?: string[];
  cpu?: string[];
  libc?: string[];
  optional?: boolean;
  devOptional?: boolean;
}

describe('package-lock.json', () => {
  it('holds no package bound to a platform that npm must install: every such package is optional', () => {
    const lock = readJson('package-lock.json') as { packages: Record<string, LockedPackage> };
    const bound = Object.entries(lock.packages).filter(([, p]) => p.os || p.cpu || p.libc);
    expect(bound.map(([name]) => name)).toContain('node_modules/@anthropic-ai/claude-code-linux-x64');
    const required = bound.filter(([, p]) => !p.optional && !p.devOptional).map(([name]) => name);
    expect(required).toEqual([]);
  });
});

describe('.ci/run', () => {
  it('proves the install on macOS arm64 and Linux arm64 after its own npm ci', () => {
    const ci = readFileSync(join(projectRoot, '.ci/run'), 'utf8');
    const script = readFileSync(join(projectRoot, 'scripts/install-anywhere.mjs'), 'utf8');
    expect(ci).toMatch(/^node scripts\/install-anywhere\.mjs\b/m);
    expect(ci.indexOf('npm ci')).toBeLessThan(ci.indexOf('scripts/install-anywhere.mjs'));
    expect(script).toContain("['darwin-arm64', 'linux-arm64']");
  });
});

describe('describeWith, for tests that need an optional tool', () => {
  const absent = { ok: false as const, why: 'it only runs on linux-x64' };

  it('runs them where the tool is present', () => {
    expect(describeWith('helm', { ok: true }, { CI: 'true' })).toBe(describe);
  });

  it('skips them with a loud notice where it is absent', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(describeWith('helm', absent, {})).toBe(describe.skip);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/\*\*\* SKIPPING the tests that need helm: it only runs on linux-x64/));
    } finally {
      warn.mockRestore();
    }
  });

  it('fails them in CI, where the tool must be present', () => {
    expect(() => describeWith('helm', absent, { CI: 'true' })).toThrow('helm is needed in CI (CI=true) and is missing: it only runs on linux-x64');
    expect(() => describeWith('helm', absent, { CI: '1' })).toThrow(/needed in CI/);
    expect(inCI({ CI: 'false' })).toBe(false);
    expect(inCI({})).toBe(false);
  });
});
