import { describe } from '@jest/globals';
import { inCI } from './ci.js';

/** Whether a platform-bound tool from package.json's optionalDependencies can run here, and why not. */
export type Availability = { ok: true } | { ok: false; why: string };

/**
 * `describe` for tests that need an optional tool (the Claude Code binary,
 * helm, kubectl: Linux x64 only, so optional dependencies that a Mac or an
 * ARM machine skips) or what only some hosts allow (a network namespace). Present, the tests run. Absent, they are skipped with
 * a notice no one can miss, except in CI: there the tool must be present,
 * and its absence fails the suite with the reason instead of passing quietly.
 */
export function describeWith(tool: string, availability: Availability, env: NodeJS.ProcessEnv = process.env): typeof describe.skip {
  if (availability.ok) return describe;
  if (inCI(env)) {
    throw new Error(`${tool} is needed in CI (CI=${env.CI}) and is missing: ${availability.why}`);
  }
  console.warn(
    `\n\n*** SKIPPING the tests that need ${tool}: ${availability.why}. ***\n` +
      '*** They prove what nothing else in the suite proves: run them on linux-x64 (glibc), as CI does. ***\n\n',
  );
  return describe.skip;
}
