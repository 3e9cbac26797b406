import { jest } from '@jest/globals';
import { Counter, Histogram, Registry } from 'prom-client';
import { CounterSeries, HistogramSeries } from './series.js';

const BUCKETS = [0.05, 0.1, 0.25, 1, 2.5];

/** The same counter and histogram twice: one recorded through prom-client alone, one through the series. */
function pair() {
  const make = () => {
    const registry = new Registry();
    const counter = new Counter({ name: 'c_total', help: 'c', labelNames: ['route', 'status'], registers: [registry] });
    const histogram = new Histogram({ name: 'h_seconds', help: 'h', labelNames: ['model', 'stream'], buckets: BUCKETS, registers: [registry] });
    return { registry, counter, histogram };
  };
  const plain = make();
  const fast = make();
  const counts = new CounterSeries(fast.counter, (route: string, status: number) => ({ route, status: String(status) }));
  const times = new HistogramSeries(fast.histogram, BUCKETS, (model: string, stream: boolean) => ({ model, stream: String(stream) }));
  return { plain, fast, counts, times };
}

const VALUES = [0.05, 0.1 + 0.2, 0.0001, 2.5, 3, 1e9, 0.25, 0.7, 0.05000001, 0];

describe('CounterSeries and HistogramSeries', () => {
  it("expose exactly what prom-client's own calls expose, float sums and bucket edges included", async () => {
    const { plain, fast, counts, times } = pair();
    for (const [i, value] of VALUES.entries()) {
      const model = i % 3 === 0 ? 'claude-opus-5' : 'claude-sonnet-5-5';
      plain.counter.inc({ route: '/v1/chat/completions', status: String(200 + (i % 2)) }, i);
      counts.inc(i, '/v1/chat/completions', 200 + (i % 2));
      plain.histogram.observe({ model, stream: String(i % 2 === 0) }, value);
      times.observe(value, model, i % 2 === 0);
    }
    expect(await fast.registry.metrics()).toBe(await plain.registry.metrics());
  });

  it('leave prom-client out once a series is known', () => {
    const { fast, counts, times } = pair();
    const inc = jest.spyOn(fast.counter, 'inc');
    const observe = jest.spyOn(fast.histogram, 'observe');
    for (let i = 0; i < 5; i++) {
      counts.inc(1, '/v1/models', 200);
      times.observe(0.2, 'claude-opus-5', false);
    }
    expect(inc).toHaveBeenCalledTimes(1);
    expect(observe).toHaveBeenCalledTimes(1);
  });

  it("refuse what prom-client refuses, with prom-client's errors", () => {
    const { counts, times } = pair();
    counts.inc(1, '/v1/models', 200);
    times.observe(1, 'claude-opus-5', true);
    expect(() => counts.inc(-1, '/v1/models', 200)).toThrow('It is not possible to decrease a counter');
    expect(() => counts.inc(Number.POSITIVE_INFINITY, '/v1/models', 200)).toThrow(TypeError);
    expect(() => times.observe(Number.POSITIVE_INFINITY, 'claude-opus-5', true)).toThrow(TypeError);
  });

  it('start again after a reset, rather than count into series no longer exposed', async () => {
    const { plain, fast, counts, times } = pair();
    counts.inc(2, '/v1/models', 200);
    times.observe(0.2, 'claude-opus-5', false);
    fast.counter.reset();
    fast.histogram.reset();
    counts.inc(3, '/v1/models', 200);
    times.observe(0.3, 'claude-opus-5', false);
    plain.counter.inc({ route: '/v1/models', status: '200' }, 3);
    plain.histogram.observe({ model: 'claude-opus-5', stream: 'false' }, 0.3);
    expect(await fast.registry.metrics()).toBe(await plain.registry.metrics());
  });
});
