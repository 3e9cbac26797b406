import { EnvironmentVariables } from './environment.js';
import { declaredVariables } from './variable.js';

/**
 * README's configuration table, rendered from the declarations so the two
 * cannot drift: `config-sources.spec.ts` fails when README's copy differs,
 * and prints this table to paste.
 */
export function renderConfigTable(): string {
  const defaults = new EnvironmentVariables() as unknown as Record<string, unknown>;
  const rows = declaredVariables(EnvironmentVariables).map(([name, doc]) => {
    const value = defaults[name];
    const shown = doc.defaultText ?? (value === undefined ? '—' : `\`${String(value)}\``);
    return `| \`${name}\` | ${shown} | ${doc.doc} |`;
  });
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
