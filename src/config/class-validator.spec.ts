import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadedByNode } from '../../test/support/fresh-node.js';
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
    // What Node loads for the module's imports (see loadedByNode).
    const source = await readFile(join(here, 'class-validator.ts'), 'utf8');
    const paths = [...source.matchAll(/^import \{[^}]+\} from '(class-validator\/[^']+)';$/gm)].map((match) => match[1]);
    expect(paths.length).toBeGreaterThan(10);
    const loaded = loadedByNode(paths, here);
    expect(loaded.stderr).toBe('');
    expect(loaded.files.some((f) => f.endsWith('/class-validator/cjs/index.js'))).toBe(false);
    expect(loaded.files.filter((f) => f.includes('/libphonenumber-js/')).length).toBe(0);
    // The few validator.js checks the decorators above need, not its hundred.
    expect(loaded.files.filter((f) => f.includes('/node_modules/validator/')).length).toBeLessThan(20);
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
