#!/usr/bin/env node
// `npm start`: runs dist/main.js, building it first only when it is missing or
// older than a source file or the build configuration. The first start (or
// the first after an edit) compiles, and says so; later ones start at once.
// `npm run start:dev` (nest start --watch) is the way to work on the code.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const entry = join(root, 'dist', 'main.js');
const inputs = ['src', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json'];

/** The newest modification time under `path` (a file or a folder), 0 where it does not exist. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), stat.mtimeMs);
}

function needsBuild() {
  if (!existsSync(entry)) return 'no build yet';
  const built = statSync(entry).mtimeMs;
  const changed = inputs.find((input) => newest(join(root, input)) > built);
  return changed ? `${changed} changed since the last build` : null;
}

const reason = needsBuild();
if (reason) {
  console.error(`npm start: building dist/ (${reason}); this takes 15 to 40 s the first time, later starts skip it.`);
  const build = spawnSync(process.execPath, [join(root, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
// In this process, so signals (Ctrl-C, SIGTERM) reach the gateway's own shutdown.
await import(pathToFileURL(entry).href);
