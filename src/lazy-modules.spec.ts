import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Packages only some gateways use are loaded only by those: node-redis when
 * REDIS_URL is set (`loadRedis`), `yaml` for a YAML CREDENTIALS_FILE. Merely
 * loaded, unused, they cost every request CPU (about 6 % and 4 %, measured
 * with builds with and without them; docs/performance.md). So no source
 * file imports them for their values at the top; types only, and the one
 * loader each.
 */
const src = import.meta.dirname;

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

it('imports yaml for its values nowhere at the top, so a gateway without a YAML credentials file never loads it', () => {
  const valueImports: string[] = [];
  const loaders: string[] = [];
  for (const file of sources(src)) {
    const text = readFileSync(file, 'utf8');
    const name = relative(src, file);
    for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+'yaml'/gm)) if (!match[2]) valueImports.push(name);
    for (const _ of text.matchAll(/\)\('yaml'\)/g)) loaders.push(name);
  }
  expect(valueImports).toEqual([]);
  expect(loaders).toEqual(['config/credential-pool-file.ts']);
});
