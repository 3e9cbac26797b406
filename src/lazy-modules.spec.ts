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

/** Each package, the import lines that would load it at start-up, and the loader that alone may load it (its pattern, and the one file it is in). */
const LAZY = [
  {
    name: 'node-redis',
    when: 'without REDIS_URL',
    imported: /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+'(@redis\/[^']+|redis)'/gm,
    loader: /(?<!typeof )\bimport\(\s*'@redis\/client'\s*\)/g,
    loaderIn: 'store/redis-store.ts',
  },
  {
    name: 'yaml',
    when: 'without a YAML credentials file',
    imported: /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+'yaml'/gm,
    loader: /\)\('yaml'\)/g,
    loaderIn: 'config/credential-pool-file.ts',
  },
];

it.each(LAZY)('imports $name for its values nowhere but in its one loader, so a gateway $when never loads it', ({ imported, loader, loaderIn }) => {
  const valueImports: string[] = [];
  const loaders: string[] = [];
  for (const file of sources(src)) {
    const text = readFileSync(file, 'utf8');
    const name = relative(src, file);
    // Type-only imports are erased at compile time: they load nothing.
    for (const match of text.matchAll(imported)) if (!match[2]) valueImports.push(`${name}: ${match[0].trim()}`);
    for (const _ of text.matchAll(loader)) loaders.push(name);
  }
  expect(valueImports).toEqual([]);
  expect(loaders).toEqual([loaderIn]);
});
