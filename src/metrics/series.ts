import type { Counter, Histogram, LabelValues } from 'prom-client';

/**
 * prom-client finds a labelled series on every call by building a string out
 * of the labels object (`model:claude-sonnet-5-5,route:/v1/...`), checking
 * each label name, and looking that new string up; a histogram also makes a
 * closure per call and turns its bucket bound into a string twice. For the
 * handful of series a gateway has, that is most of what recording a request
 * costs. Here prom-client records a series' first value itself, and its
 * record of the series is kept, found again by the label values in nested
 * Maps (no string built, no label object made); later values update that
 * record exactly as prom-client would, so the exposition is the same, byte
 * for byte.
 *
 * The record is prom-client's own (`hashMap`, outside its typings): a record
 * of another shape is never kept (every call then goes through prom-client,
 * slower but right), and `series.spec.ts` and the observer's exposition spec
 * fail if an upgrade changes how prom-client keeps them.
 */
type Key = string | number | boolean;

interface CounterRecord {
  labels: object;
  value: number;
}

interface HistogramRecord {
  labels: object;
  sum: number;
  count: number;
  bucketValues: Record<string, number>;
}

/** Where prom-client keeps a metric's series; `reset()` replaces it. */
interface Kept<R> {
  hashMap: Record<string, R>;
}

/** Series of one metric by their label values: up to four, in a fixed order per metric (the order `labels` takes them in). */
abstract class SeriesOf<R extends { labels: object }, L extends string> {
  private found = new Map<Key, unknown>();
  private records: Record<string, R>;
  /** How many label values find a series: as many as `labels` takes. */
  private readonly depth: number;

  protected constructor(
    private readonly kept: Kept<R>,
    /** The labels object prom-client is given for a series' first value. */
    protected readonly labels: (a: never, b: never, c: never, d: never) => LabelValues<L>,
  ) {
    this.records = kept.hashMap;
    this.depth = labels.length;
  }

  protected find(a: Key, b: Key | undefined, c: Key | undefined, d: Key | undefined): R | undefined {
    if (this.kept.hashMap !== this.records) {
      // Reset: the records kept are no longer the ones exposed.
      this.records = this.kept.hashMap;
      this.found = new Map();
      return undefined;
    }
    let node = this.found.get(a);
    if (this.depth > 1) node = (node as Map<Key, unknown> | undefined)?.get(b as Key);
    if (this.depth > 2) node = (node as Map<Key, unknown> | undefined)?.get(c as Key);
    if (this.depth > 3) node = (node as Map<Key, unknown> | undefined)?.get(d as Key);
    return node as R | undefined;
  }

  /** After prom-client recorded a series' first value: its record, if it has the shape expected, is kept. */
  protected keep(labels: object, a: Key, b: Key | undefined, c: Key | undefined, d: Key | undefined): void {
    const record = Object.values(this.records).find((candidate) => candidate?.labels === labels);
    if (!record || !this.usable(record)) return;
    const keys = [a, b, c, d].slice(0, this.depth) as Key[];
    let node = this.found;
    for (const key of keys.slice(0, -1)) {
      let next = node.get(key) as Map<Key, unknown> | undefined;
      if (!next) node.set(key, (next = new Map()));
      node = next;
    }
    node.set(keys.at(-1) as Key, record);
  }

  protected abstract usable(record: R): boolean;
}

export class CounterSeries<L extends string> extends SeriesOf<CounterRecord, L> {
  constructor(
    private readonly counter: Counter<L>,
    labels: (a: never, b: never, c: never, d: never) => LabelValues<L>,
  ) {
    super(counter as unknown as Kept<CounterRecord>, labels);
  }

  /** Adds `value` to the series whose label values are `a`..`d` (as many as the metric has). */
  inc(value: number, a: Key, b?: Key, c?: Key, d?: Key): void {
    const record = this.find(a, b, c, d);
    // What prom-client accepts; anything else goes to it, to be refused the way it refuses it.
    if (record && Number.isFinite(value) && value >= 0) {
      record.value += value;
      return;
    }
    const labels = (this.labels as (a: Key, b?: Key, c?: Key, d?: Key) => LabelValues<L>)(a, b, c, d);
    this.counter.inc(labels, value);
    if (!record) this.keep(labels, a, b, c, d);
  }

  protected usable(record: CounterRecord): boolean {
    return typeof record.value === 'number';
  }
}

export class HistogramSeries<L extends string> extends SeriesOf<HistogramRecord, L> {
  /** The bucket bounds, and each as the property name prom-client counts it under. */
  private readonly bounds: readonly number[];
  private readonly bucketNames: readonly string[];

  constructor(
    private readonly histogram: Histogram<L>,
    buckets: readonly number[],
    labels: (a: never, b: never, c: never, d: never) => LabelValues<L>,
  ) {
    super(histogram as unknown as Kept<HistogramRecord>, labels);
    this.bounds = [...buckets];
    this.bucketNames = buckets.map(String);
  }

  /** Observes `value` in the series whose label values are `a`..`d` (as many as the metric has). */
  observe(value: number, a: Key, b?: Key, c?: Key, d?: Key): void {
    const record = this.find(a, b, c, d);
    if (record && Number.isFinite(value)) {
      // prom-client's order: the sum, the count, then the first bucket the value fits (none above the last).
      record.sum += value;
      record.count += 1;
      const bounds = this.bounds;
      for (let i = 0; i < bounds.length; i++) {
        if (value <= bounds[i]) {
          record.bucketValues[this.bucketNames[i]] += 1;
          break;
        }
      }
      return;
    }
    const labels = (this.labels as (a: Key, b?: Key, c?: Key, d?: Key) => LabelValues<L>)(a, b, c, d);
    this.histogram.observe(labels, value);
    if (!record) this.keep(labels, a, b, c, d);
  }

  protected usable(record: HistogramRecord): boolean {
    return (
      typeof record.sum === 'number' &&
      typeof record.count === 'number' &&
      this.bucketNames.every((name) => typeof record.bucketValues?.[name] === 'number')
    );
  }
}
