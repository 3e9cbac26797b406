import parsePrometheusTextFormat, { type MetricFamily, type Sample } from 'parse-prometheus-text-format';

/** A scrape of /metrics, parsed by an independent Prometheus text-format parser. */
export class Scrape {
  constructor(
    readonly text: string,
    readonly families: MetricFamily[],
  ) {}

  static async from(url: string, headers: Record<string, string> = {}): Promise<Scrape> {
    const res = await fetch(`${url}/metrics`, { headers });
    if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`);
    const text = await res.text();
    return new Scrape(text, parsePrometheusTextFormat(text));
  }

  family(name: string): MetricFamily | undefined {
    return this.families.find((family) => family.name === name);
  }

  /** Samples whose labels include `labels`. */
  samples(name: string, labels: Record<string, string> = {}): Sample[] {
    return (this.family(name)?.metrics ?? []).filter((sample) =>
      Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value),
    );
  }

  /** Sum of a counter's or gauge's matching samples (0 when none). */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.samples(name, labels).reduce((sum, sample) => sum + Number(sample.value ?? 0), 0);
  }

  /**
   * Number of observations of a histogram's matching series. Read from the
   * `<name>_count` lines: the parser folds a labelled histogram's series into
   * one, so it only vouches for the format here, not for the per-label counts.
   */
  count(name: string, labels: Record<string, string> = {}): number {
    let total = 0;
    for (const line of this.text.split('\n')) {
      const sample = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
      if (!sample || sample[1] !== `${name}_count`) continue;
      const found = Object.fromEntries([...sample[2].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
      if (Object.entries(labels).every(([key, value]) => found[key] === value)) total += Number(sample[3]);
    }
    return total;
  }

  /** `after - before` for one series: what a stretch of traffic added. */
  static delta(before: Scrape, after: Scrape, name: string, labels: Record<string, string> = {}, of: 'value' | 'count' = 'value'): number {
    return after[of](name, labels) - before[of](name, labels);
  }
}
