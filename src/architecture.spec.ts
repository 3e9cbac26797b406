import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The module graph of docs/architecture.md, kept true: folders depend one way
 * (each layer may import only the layers before it; a sub-folder named in
 * LAYERS is a layer of its own, e.g. `auth/login` below `refresh` below `auth`), and the Anthropic SDK is
 * imported at runtime by the upstream port alone.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['config'],
  // What every layer needs: errors and their formats, redaction, validation, body limits, the HTTP
  // server's connections, shutdown, and (fast/) every piece that relies on a library's internals.
  ['common'],
  // Plumbing every layer below may record into: metrics, spans, the logger.
  ['observability/metrics', 'observability/tracing', 'observability/logging'],
  // What the gateway remembers between requests (in process, or Redis): used by the login refresh and the doors.
  ['store'],
  // The login: the outside world (files, child processes, the platform), then the credentials read
  // or obtained at run time: the Claude Code login, the SDK's own chain (workload identity, profiles).
  ['auth/system'],
  ['auth/login', 'auth/sdk-credential'],
  ['refresh'],
  // The credentials in use, what a refusal (401) means, client keys and tenants.
  ['auth'],
  // Several credentials: routing, failover, cooldowns, rate-limit state.
  ['auth/pool'],
  ['upstream'],
  // Translation: named for neither API, then chat, then Responses (translated through the chat form).
  ['translation/shared'],
  ['translation/chat'],
  ['translation/responses'],
  ['translation'],
  // The request observer and /metrics: in front of every door.
  ['observability'],
  // How every door writes its answers: SSE writer, stream relay, JSON and abort helpers.
  ['streaming'],
  // The doors: they may use every layer above, never each other.
  ['completions', 'responses', 'messages', 'models', 'health'],
];

const src = import.meta.dirname;
const rank = new Map(LAYERS.flatMap((folders, i) => folders.map((folder) => [folder, i] as const)));
/** Longest first, so that `auth/login` wins over `auth`. */
const byLength = [...rank.keys()].sort((a, b) => b.length - a.length);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/**
 * The layer a file belongs to: the longest layer path its folder is or is
 * inside of; its top-level folder where none is (the first check then
 * fails); '' for the application root (main.ts, app.module.ts).
 */
const folderOf = (file: string) => {
  const parts = relative(src, file).split(sep);
  if (parts.length === 1) return '';
  const folder = parts.slice(0, -1).join('/');
  return byLength.find((layer) => folder === layer || folder.startsWith(`${layer}/`)) ?? parts[0];
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

it('imports the Anthropic SDK at runtime in src/upstream only (types are fine anywhere), its credential chain in src/auth/sdk-credential only', () => {
  const credentialChain = (i: (typeof imports)[number]) =>
    i.target.startsWith('@anthropic-ai/sdk/lib/credentials/') && i.from === 'auth/sdk-credential';
  const wrong = imports
    .filter((i) => i.target.startsWith('@anthropic-ai/sdk') && !i.typeOnly && i.from !== 'upstream' && !credentialChain(i))
    .map((i) => i.file);
  expect(wrong).toEqual([]);
});

it("reaches into a library's own files only in src/common/fast (docs/architecture.md, Library internals)", () => {
  // A path inside a package; the SDK's lib/ is published by its `exports` map (`./lib/*`).
  const DEEP = /^(?:@[^/]+\/)?[^/]+\/(?:lib|cjs|esm|dist|build|internal|src)\//;
  // Published, so not internal: the schema transform and the credential chain (workload identity, profiles).
  const published = (target: string) => target.startsWith('@anthropic-ai/sdk/lib/');
  const wrong = imports
    .filter((i) => !i.relative && DEEP.test(i.target) && !published(i.target) && !i.file.startsWith(`common${sep}fast${sep}`))
    .map((i) => `${i.file} imports ${i.target}`);
  expect(wrong).toEqual([]);
});
