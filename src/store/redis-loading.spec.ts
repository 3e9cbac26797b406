import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * node-redis is loaded only when REDIS_URL is set (`loadRedis`): merely
 * loaded, unused, it costs a gateway about 6 % more CPU per request. So no
 * source file imports it for its values; types only, and the one dynamic
 * import in redis-store.ts.
 */
const src = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

it('imports node-redis for its values nowhere but in loadRedis, so a gateway without REDIS_URL never loads it', () => {
  const valueImports: string[] = [];
  const dynamicImports: string[] = [];
  for (const file of sources(src)) {
    const text = readFileSync(file, 'utf8');
    const name = relative(src, file);
    for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+'(@redis\/[^']+|redis)'/gm)) {
      if (!match[2]) valueImports.push(`${name}: ${match[0].trim()}`);
    }
    for (const _ of text.matchAll(/(?<!typeof )\bimport\(\s*'@redis\/client'\s*\)/g)) dynamicImports.push(name);
  }
  expect(valueImports).toEqual([]);
  expect(dynamicImports).toEqual(['store/redis-store.ts']);
});
