import { spawnSync } from 'node:child_process';

/**
 * What a plain Node process loads to import `specifiers` from `cwd`: every
 * file in its module cache, and the JSON value of the expression `probe`
 * evaluated after the imports. Jest loads modules its own way, so what Node
 * itself would load is asked of a process of its own.
 */
export function loadedByNode(specifiers: string[], cwd: string, probe = 'null'): { stderr: string; files: string[]; probe: unknown } {
  const script = `
    const { createRequire } = await import('node:module');
    for (const specifier of ${JSON.stringify(specifiers)}) await import(specifier);
    process.stdout.write(JSON.stringify({ files: Object.keys(createRequire(process.cwd() + '/').cache), probe: ${probe} }));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8', timeout: 20_000 });
  // A process that did not finish says so in `stderr`, so a check of what it loaded cannot pass on nothing.
  const stderr = child.error ? String(child.error) : child.status !== 0 ? `exit ${child.status}: ${child.stderr}` : child.stderr;
  const out = child.stdout ? (JSON.parse(child.stdout) as { files: string[]; probe: unknown }) : { files: [], probe: undefined };
  return { stderr, ...out };
}
