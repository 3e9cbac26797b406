import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRIC } from '../../src/observability/metrics/gateway-metrics.js';
import { startGateway } from '../support/gateway.js';
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

/** The label matchers of each selector of `name` in a PromQL expression (`job` left out: Prometheus adds it). */
function selectors(expr: string, name: string): Array<Array<{ label: string; op: '=' | '=~'; value: string }>> {
  return [...expr.matchAll(new RegExp(`\\b${name}\\s*\\{([^}]*)\\}`, 'g'))].map((m) =>
    [...m[1].matchAll(/(\w+)\s*(=~|=)\s*"([^"]*)"/g)]
      .map(([, label, op, value]) => ({ label, op: op as '=' | '=~', value }))
      .filter((matcher) => matcher.label !== 'job'),
  );
}

it('shows every counter of the gateway\'s from the first scrape of a fresh gateway, at 0', async () => {
  const fresh = await startGateway(ctx.standIn);
  try {
    const scrape = await Scrape.from(fresh.url);
    // The gateway's own: the process's CPU seconds are a counter too, and never 0.
    const counters = scrape.families.filter((f) => f.type === 'COUNTER' && f.name.startsWith('claude_proxy_')).map((f) => f.name);
    const shown = [...new Set(queries.flatMap(({ expr }) => metricNames(expr)))].filter((name) => counters.includes(name));
    expect(shown.sort()).toEqual([METRIC.clientDisconnects, METRIC.failovers, METRIC.refreshRuns, METRIC.requests, METRIC.tokens, METRIC.upstreamErrors].sort());
    const problems: string[] = [];
    for (const name of shown) {
      const samples = scrape.samples(name);
      if (samples.length === 0) problems.push(`${name} has no series`);
      for (const sample of samples) if (Number(sample.value) !== 0) problems.push(`${name}${JSON.stringify(sample.labels)} is ${sample.value}`);
      // Each panel's selector finds a series, so it reads 0 rather than "no data"; a status is known only from an answer.
      for (const { where, expr } of queries) {
        for (const matchers of selectors(expr, name).filter((m) => m.every(({ label }) => label !== 'status'))) {
          const found = samples.some((sample) =>
            matchers.every(({ label, op, value }) => (op === '=' ? sample.labels?.[label] === value : new RegExp(`^(?:${value})$`).test(sample.labels?.[label] ?? ''))),
          );
          if (!found) problems.push(`${where}: no series of ${name} matches ${JSON.stringify(matchers)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  } finally {
    await fresh.close();
  }
});
