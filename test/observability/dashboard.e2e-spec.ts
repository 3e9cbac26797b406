import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useGateway } from '../support/lifecycle.js';
import { Scrape } from '../support/metrics.js';

/**
 * The shipped Grafana dashboard only queries metrics the gateway exports:
 * every metric name in every query is a family in a real scrape (histogram
 * series by their family name). Metrics that only exist in login mode are
 * declared there too: their HELP/TYPE lines are in every scrape.
 */
const ctx = useGateway();
const dashboard = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'dashboards', 'grafana', 'claude-code-proxy.json'), 'utf8'));

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
}

const panels: Panel[] = dashboard.panels;
const queries = [
  ...panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: panel.title, expr: target.expr }))),
  ...dashboard.templating.list
    .filter((variable: { type: string }) => variable.type === 'query')
    .map((variable: { name: string; definition: string }) => ({ where: `$${variable.name}`, expr: variable.definition })),
];

/** Metric names in a PromQL expression: an identifier right before a `{` label matcher (every query here uses one). */
function metricNames(expr: string): string[] {
  const selectors = [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{/g)].map((m) => m[1]);
  const labelValues = [...expr.matchAll(/label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)/g)].map((m) => m[1]);
  return [...selectors, ...labelValues];
}

const family = (name: string) => name.replace(/_(bucket|sum|count)$/, '');

it('has queries for the views the issue asks for', () => {
  const titles = panels.map((panel) => panel.title.toLowerCase());
  for (const view of ['requests', 'request duration', 'tokens by model', 'cache hit ratio', '429 and 529', 'token time left', 'rate-limit utilization', 'credentials available', 'rate-limit remaining', 'failovers']) {
    expect(titles.some((title) => title.includes(view))).toBe(true);
  }
  expect(queries.length).toBeGreaterThan(15);
});

it('names only metrics the gateway exports, in every query', async () => {
  const scrape = await Scrape.from(ctx.gw.url);
  const exported = new Set(scrape.families.map((f) => f.name));
  const problems: string[] = [];
  for (const { where, expr } of queries) {
    const names = metricNames(expr);
    if (names.length === 0) problems.push(`${where}: no metric in ${expr}`);
    for (const name of names) {
      if (!exported.has(name) && !exported.has(family(name))) problems.push(`${where}: ${name} is not exported`);
    }
  }
  expect(problems).toEqual([]);
});
