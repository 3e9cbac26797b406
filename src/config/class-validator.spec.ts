import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IsInt, IsOptional, IsString, Min, validateSync } from './class-validator.js';

const here = dirname(fileURLToPath(import.meta.url));

class Sample {
  @IsString()
  name!: unknown;

  @IsOptional()
  @IsInt()
  @Min(1)
  count?: unknown;
}

describe('class-validator, without its index', () => {
  it('loads neither its index nor libphonenumber-js, nor all of validator.js', async () => {
    // Jest loads modules its own way, so what Node loads is checked in a plain Node process, from the module's imports.
    const source = await readFile(join(here, 'class-validator.ts'), 'utf8');
    const paths = [...source.matchAll(/^import \{[^}]+\} from '(class-validator\/[^']+)';$/gm)].map((match) => match[1]);
    expect(paths.length).toBeGreaterThan(10);
    const script = `
      const { createRequire } = await import('node:module');
      for (const path of ${JSON.stringify(paths)}) await import(path);
      const files = Object.keys(createRequire(process.cwd() + '/').cache);
      process.stdout.write(JSON.stringify({
        index: files.some((f) => f.endsWith('/class-validator/cjs/index.js')),
        phone: files.filter((f) => f.includes('/libphonenumber-js/')).length,
        validatorJs: files.filter((f) => f.includes('/node_modules/validator/')).length,
      }));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: here, encoding: 'utf8', timeout: 20_000 });
    expect(child.stderr).toBe('');
    const loaded = JSON.parse(child.stdout) as { index: boolean; phone: number; validatorJs: number };
    expect(loaded.index).toBe(false);
    expect(loaded.phone).toBe(0);
    // The few validator.js checks the decorators above need, not its hundred.
    expect(loaded.validatorJs).toBeLessThan(20);
  }, 30_000);

  it('validates with the rules the decorators declare', () => {
    const broken = (value: object) =>
      validateSync(Object.assign(new Sample(), value), { whitelist: true }).map((e) => [e.property, Object.keys(e.constraints ?? {}).sort()]);
    expect(broken({ name: 'a' })).toEqual([]);
    expect(broken({ name: 1, count: 0 })).toEqual([['name', ['isString']], ['count', ['min']]]);
    expect(broken({ name: 'a', count: 'x' })).toEqual([['count', ['isInt', 'min']]]);
    expect(broken({})).toEqual([['name', ['isString']]]);
    expect(validateSync(Object.assign(new Sample(), { name: 1, count: 0 })).map((e) => e.property)).toEqual(['name', 'count']);
  });
});
