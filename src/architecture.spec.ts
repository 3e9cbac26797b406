import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The module graph of docs/architecture.md, kept true: folders depend one way
 * (each layer may import only the layers before it), and the Anthropic SDK is
 * imported at runtime by the upstream port alone.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['config'],
  ['common'],
  // Plumbing every layer below may record into: metrics, spans, the logger.
  ['metrics', 'tracing', 'logging'],
  // What the gateway remembers between requests (in process, or Redis): used by the login refresh and the features.
  ['store'],
  ['system'],
  // Credentials read or obtained at run time: the Claude Code login, the SDK's own chain.
  ['login', 'sdk-credential'],
  ['refresh'],
  ['auth'],
  // Several credentials: failover, cooldowns, rate-limit state.
  ['pool'],
  ['upstream'],
  // What the OpenAI-shaped features share (thinking replay, caching, schemas).
  ['translation'],
  // The request observer and /metrics: in front of every feature.
  ['observability'],
  // How every door writes its answers: SSE writer, stream relay, JSON and abort helpers.
  ['streaming'],
  // Features: they may use every layer above, never each other.
  ['completions', 'messages', 'models', 'health'],
  // The Responses API is translated through the chat form: one mapping of roles, parts, tools and limits.
  ['responses'],
];

const src = import.meta.dirname;
const rank = new Map(LAYERS.flatMap((folders, i) => folders.map((folder) => [folder, i] as const)));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The top-level folder under src/ a file belongs to; '' for the application root (main.ts, app.module.ts). */
const folderOf = (file: string) => {
  const parts = relative(src, file).split(sep);
  return parts.length > 1 ? parts[0] : '';
};

const IMPORT = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)'/gm;

/** `import 'x'` (for its side effects) and `import('x')`: loaded at run time too. */
const BARE_OR_DYNAMIC_IMPORT = /^\s*import\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gm;

const imports = sourceFiles(src).flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  const found = [
    ...[...text.matchAll(IMPORT)].map((m) => ({ typeOnly: Boolean(m[2]), specifier: m[3] })),
    ...[...text.matchAll(BARE_OR_DYNAMIC_IMPORT)].map((m) => ({ typeOnly: false, specifier: m[1] ?? m[2] })),
  ];
  return found.map(({ typeOnly, specifier }) => ({
    file: relative(src, file),
    from: folderOf(file),
    typeOnly,
    target: specifier.startsWith('.') ? folderOf(resolve(dirname(file), specifier)) : specifier,
    relative: specifier.startsWith('.'),
  }));
});

it('places every folder in a layer', () => {
  const folders = new Set(sourceFiles(src).map(folderOf).filter(Boolean));
  expect([...folders].filter((folder) => !rank.has(folder))).toEqual([]);
});

it('has folders depend one way: each only on the layers before it', () => {
  const wrong = imports
    .filter((i) => i.relative && i.from !== '' && i.target !== '' && i.from !== i.target)
    .filter((i) => (rank.get(i.target) ?? Infinity) >= (rank.get(i.from) ?? -1))
    .map((i) => `${i.file} imports ${i.target}/`);
  expect(wrong).toEqual([]);
});

it('imports the Anthropic SDK at runtime in src/upstream only (types are fine anywhere), its credential chain in src/sdk-credential only', () => {
  const credentialChain = (i: (typeof imports)[number]) =>
    i.target.startsWith('@anthropic-ai/sdk/lib/credentials/') && i.from === 'sdk-credential';
  const wrong = imports
    .filter((i) => i.target.startsWith('@anthropic-ai/sdk') && !i.typeOnly && i.from !== 'upstream' && !credentialChain(i))
    .map((i) => i.file);
  expect(wrong).toEqual([]);
});

it('imports class-validator and undici at runtime through their lean entry points, never their indexes', () => {
  // Each index loads about 3 MB of heap this gateway never uses (config/class-validator.ts, upstream/undici-parts.ts).
  // Declaration files (their types) load nothing.
  const wrong = imports
    .filter((i) => (i.target === 'class-validator' || i.target === 'undici') && !i.typeOnly && !i.file.endsWith('.d.ts'))
    .map((i) => `${i.file} imports ${i.target}`);
  expect(wrong).toEqual([]);
});
