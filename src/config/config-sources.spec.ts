import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { renderConfigTable } from './config-table.js';
import { EnvironmentVariables, VARIABLE_NAMES } from './environment.js';
import { declaredVariables } from './variable.js';

/**
 * Every variable is declared once (environment.ts); these checks hold the
 * other places that name variables to that declaration.
 */
const root = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const chart = 'helm/claude-code-proxy';
const deployment = read(`${chart}/templates/deployment.yaml`);
const values = parse(read(`${chart}/values.yaml`)) as Record<string, unknown>;
const schema = JSON.parse(read(`${chart}/values.schema.json`)) as SchemaNode;
const variables = declaredVariables(EnvironmentVariables);

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
}

const at = (tree: unknown, path: string) =>
  path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], tree);
const schemaAt = (path: string) =>
  path.split('.').reduce<SchemaNode | undefined>((node, key) => node?.properties?.[key], schema);
const setInTemplate = (name: string) => new RegExp(`- name: ${name}\\b`).test(deployment);

it('documents every variable, and only those, in README exactly as declared', () => {
  const table = renderConfigTable();
  if (!read('README.md').includes(table)) {
    throw new Error(`README.md's configuration table differs from the declarations; replace it with:\n\n${table}\n`);
  }
  expect(variables.map(([name]) => name)).toEqual([...VARIABLE_NAMES]);
});

describe.each(variables.map(([name, doc]) => [name, doc.helm] as const))('%s in the Helm chart', (name, helm) => {
  if ('value' in helm) {
    it(`is set from ${helm.value}, which values.yaml and values.schema.json both declare`, () => {
      expect(setInTemplate(name)).toBe(true);
      expect(at(values, helm.value)).not.toBeUndefined();
      expect(schemaAt(helm.value)).toBeDefined();
      expect(deployment).toContain(`.Values.${helm.value}`);
    });
  } else if ('derived' in helm) {
    it('is set by the chart itself', () => expect(setInTemplate(name)).toBe(true));
  } else {
    it(`is left to extraEnv (${helm.extraEnv})`, () => expect(setInTemplate(name)).toBe(false));
  }
});
