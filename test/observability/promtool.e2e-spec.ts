import { expect, it, jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { METRIC } from '../../src/observability/metrics/gateway-metrics.js';
import { errorReply, sseReply } from '../support/anthropic-stand-in.js';
import { useGateway } from '../support/lifecycle.js';
import { Scrape } from '../support/metrics.js';
import { type Availability, describeWith } from '../support/optional-tool.js';

/**
 * `/metrics` as Prometheus's own linter reads it: `promtool check metrics`
 * (Debian's `prometheus` package; `.ci/run` installs it) finds no problem,
 * on a fresh gateway and after traffic of every kind.
 */
jest.setTimeout(60_000);

const PROMTOOL = process.env.PROMTOOL_BIN ?? 'promtool';

function promtoolAvailability(): Availability {
  const probe = spawnSync(PROMTOOL, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  return probe.status === 0 ? { ok: true } : { ok: false, why: `${PROMTOOL} cannot run (${probe.error?.message ?? `exit ${probe.status}`}): apt-get install prometheus, or set PROMTOOL_BIN` };
}

/** What promtool says about an exposition: its exit status and every line it printed. */
function promtoolCheck(text: string): { status: number | null; problems: string } {
  const run = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 20_000 });
  return { status: run.status, problems: `${run.stdout}${run.stderr}`.trim() };
}

const ctx = useGateway();
const MODEL = 'claude-sonnet-5-5';

describeWith('promtool', promtoolAvailability())('promtool check metrics', () => {
  it('passes on a fresh gateway', async () => {
    const scrape = await Scrape.from(ctx.gw.url);
    expect(promtoolCheck(scrape.text)).toEqual({ status: 0, problems: '' });
  });

  it('passes after answers, a stream, an upstream error and an unknown route', async () => {
    ctx.standIn.reply(
      sseReply({ text: 'Hello', usage: { input_tokens: 3, output_tokens: 2, cache_read_input_tokens: 5 } }),
      sseReply({ text: 'Streamed' }),
      errorReply(429, 'rate_limit_error', 'Slow down', { 'retry-after': '1' }),
    );
    await ctx.gw.openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
    for await (const _ of await ctx.gw.openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], stream: true }));
    await expect(ctx.gw.openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 429 });
    await fetch(`${ctx.gw.url}/nowhere`);
    let scrape = await Scrape.from(ctx.gw.url);
    for (let i = 0; i < 200 && scrape.value(METRIC.requests, { status: '404' }) === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      scrape = await Scrape.from(ctx.gw.url);
    }
    expect(scrape.value(METRIC.requests, { status: '429' })).toBe(1);
    expect(promtoolCheck(scrape.text)).toEqual({ status: 0, problems: '' });
  });
});
