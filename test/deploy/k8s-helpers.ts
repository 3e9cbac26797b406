import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { layerBinary, projectRoot } from './layer-binaries.mjs';

export { projectRoot };
export const chartDir = join(projectRoot, 'helm', 'claude-code-proxy');

// Rendered manifests are plain JSON-like trees; tests walk them loosely.
export type K8sObject = Record<string, any>;

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(bin: string, args: string[]): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      bin,
      args,
      {
        cwd: projectRoot,
        maxBuffer: 32 * 1024 * 1024,
        // Helm must not read or write the developer's real config/cache, and
        // must never try the network (no repositories are referenced anyway).
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: join(projectRoot, 'node_modules', '.cache', 'helm-home'),
          HELM_CACHE_HOME: join(projectRoot, 'node_modules', '.cache', 'helm-home', 'cache'),
          HELM_CONFIG_HOME: join(projectRoot, 'node_modules', '.cache', 'helm-home', 'config'),
          HELM_DATA_HOME: join(projectRoot, 'node_modules', '.cache', 'helm-home', 'data'),
          KUBECONFIG: join(projectRoot, 'node_modules', '.cache', 'helm-home', 'no-kubeconfig'),
        },
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(error);
          return;
        }
        resolvePromise({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}

export const helm = (args: string[]) => run(layerBinary('helm'), args);
export const kubectl = (args: string[]) => run(layerBinary('kubectl'), args);

/** All non-empty YAML documents of a multi-document string. */
export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null && typeof o === 'object');
}

export function readManifests(file: string): K8sObject[] {
  return parseManifests(readFileSync(file, 'utf8'));
}

/** Validates one object against the Kubernetes OpenAPI schema of its kind. */
export async function validateK8s(obj: K8sObject): Promise<void> {
  const apiVersion = String(obj.apiVersion);
  const kind = String(obj.kind);
  // kubernetes-models lays modules out as <group>/<version>/<Kind>, core as v1/<Kind>.
  const mod = await import(`kubernetes-models/${apiVersion}/${kind}`).catch((err: unknown) => {
    throw new Error(`no kubernetes-models schema for ${apiVersion} ${kind}: ${String(err)}`);
  });
  const Model = mod[kind] as new (data: K8sObject) => { validate(): void };
  try {
    new Model(obj).validate();
  } catch (err) {
    throw new Error(`${kind} ${obj.metadata?.name ?? ''} is not a valid ${apiVersion} ${kind}: ${(err as Error).message}`);
  }
}

export function byKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

export function one(objects: K8sObject[], kind: string): K8sObject {
  const found = byKind(objects, kind);
  if (found.length !== 1) throw new Error(`expected exactly one ${kind}, found ${found.length}`);
  return found[0];
}

/** Resolves a probe/service port (number or container port name) to a number. */
export function resolvePort(container: K8sObject, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  const named = (container.ports ?? []).find((p: K8sObject) => p.name === port);
  return named?.containerPort;
}
