import 'reflect-metadata';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { GatewayError } from '../common/errors/gateway-error.js';
import { testConfig } from '../config/testing.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';
import { Tracing } from './tracing/tracing.js';
import type { Exchange } from './exchange.js';
import { RequestObserver } from './request-observer.js';

/**
 * The guard for the recording path's speed-ups: a scripted set of requests,
 * on a scripted clock, gives byte for byte the exposition the gateway gave
 * before them (`exposition.fixture.txt`, written by the plain prom-client
 * calls). Series order, zero-token series, bucket edges, values above the
 * last bucket and float sums all show in it.
 */
const FIXTURE = new URL('./exposition.fixture.txt', import.meta.url);

interface Scripted {
  path: string;
  model?: string;
  stream?: boolean;
  status: number;
  /** Milliseconds on the scripted clock: arrival to close. */
  duration: number;
  firstContent?: number;
  upstream?: { took: number; outcome: 'ok' | 'error' | 'aborted'; tokens?: [number, number, number, number] };
  error?: GatewayError;
  fromUpstream?: boolean;
  disconnected?: boolean;
  streamed?: boolean;
}

const SCRIPT: Scripted[] = [
  { path: '/v1/chat/completions', model: 'claude-sonnet-5-5', status: 200, duration: 123.4, firstContent: 80.1, upstream: { took: 100.7, outcome: 'ok', tokens: [12, 7, 0, 0] } },
  { path: '/v1/chat/completions', model: 'claude-sonnet-5-5-20260928', status: 200, duration: 50, firstContent: 50, upstream: { took: 49.99, outcome: 'ok', tokens: [1200, 310, 4096, 1024] } },
  { path: '/v1/chat/completions', model: 'claude-opus-5', stream: true, streamed: true, status: 200, duration: 2500, firstContent: 750, upstream: { took: 2400.3, outcome: 'ok', tokens: [5, 9, 1, 2] } },
  { path: '/v1/responses', model: 'claude-haiku-4-5', status: 200, duration: 0.3, firstContent: 0.2, upstream: { took: 0.1, outcome: 'ok', tokens: [3, 3, 0, 0] } },
  { path: '/v1/chat/completions', model: 'gpt-4o', status: 429, duration: 10.5, upstream: { took: 9.5, outcome: 'error' }, error: new GatewayError(429, 'Rate limited.'), fromUpstream: true },
  { path: '/v1/chat/completions', model: 'claude-sonnet-5-5', status: 503, duration: 33.3, upstream: { took: 30, outcome: 'error' }, error: new GatewayError(503, 'Overloaded.', { code: 'overloaded', type: 'overloaded_error' }), fromUpstream: true },
  { path: '/v1/chat/completions', model: 'claude-sonnet-5-5', stream: true, streamed: true, status: 200, duration: 700_000, firstContent: 65_000, upstream: { took: 699_999, outcome: 'aborted', tokens: [7, 0, 0, 0] }, disconnected: true },
  { path: '/v1/chat/completions', model: 'claude-sonnet-5-5', stream: true, streamed: true, status: 200, duration: 4000, firstContent: 3000, upstream: { took: 3900, outcome: 'error', tokens: [4, 5, 0, 0] }, error: new GatewayError(502, 'Upstream stream broke.', { code: 'upstream_connection_broken' }), fromUpstream: true },
  { path: '/v1/models', status: 200, duration: 1.25 },
  { path: '/health/live', status: 200, duration: 0.05 },
  { path: '/nowhere', status: 404, duration: 0.7 },
  { path: '/v1/chat/completions', model: 'sk-ant-api03-not-a-model-0000000000', status: 400, duration: 2, error: new GatewayError(400, 'Bad model.') },
  { path: '/v1/chat/completions', model: 'claude-sonnet-5-5', status: 200, duration: 0.1 + 0.2, firstContent: 0.1, upstream: { took: 0.2, outcome: 'ok', tokens: [0, 0, 0, 0] } },
  { path: '/v1/chat/completions', model: 'claude-opus-5', status: 200, duration: 600_000, firstContent: 60_000, upstream: { took: 120_000, outcome: 'ok', tokens: [1, 1, 1, 1] } },
];

async function exposition(): Promise<string> {
  let clock = 1_000;
  const now = jest.spyOn(performance, 'now').mockImplementation(() => clock);
  Logger.overrideLogger(false);
  const quiet = { log: () => undefined, warn: () => undefined, debug: () => undefined, verbose: () => undefined, error: () => undefined };
  Logger.overrideLogger(quiet);
  try {
    const metrics = new GatewayMetrics(testConfig({ METRICS_ENABLED: 'true' }));
    const observer = new RequestObserver(metrics, Tracing.off());
    // Twice over, so that every series is both created and added to.
    for (const step of [...SCRIPT, ...SCRIPT]) {
      const start = clock;
      const res = Object.assign(new EventEmitter(), { locals: {} as Record<string, unknown>, statusCode: step.status, writableFinished: !step.disconnected, setHeader: () => undefined });
      const req = { method: 'POST', headers: {}, route: { path: step.path } } as unknown as Request;
      observer.middleware(req, res as unknown as Response, () => undefined);
      const exchange = res.locals.exchange as Exchange;
      exchange.model = step.model;
      exchange.stream = step.stream ?? false;
      if (step.streamed) {
        exchange.streamOpened = true;
        metrics.streamOpened();
      }
      if (step.upstream) {
        exchange.upstreamStarted();
        if (step.firstContent !== undefined) {
          clock = start + step.firstContent;
          exchange.contentArrived();
        }
        clock = start + step.upstream.took;
        const tokens = step.upstream.tokens;
        exchange.upstreamEnded(step.upstream.outcome, tokens && { input: tokens[0], output: tokens[1], cacheRead: tokens[2], cacheWrite: tokens[3] });
      }
      if (step.error) exchange.fail(step.error, step.fromUpstream ?? false);
      clock = start + step.duration;
      res.emit('close');
      clock += 1;
    }
    metrics.refreshRan('scheduled', 'renewed');
    metrics.refreshRan('scheduled', 'renewed');
    metrics.refreshRan('auth_failure', 'failed');
    const text = (await metrics.exposition()).body;
    // Process metrics change from one scrape to the next; the gateway's own are the subject here.
    return text
      .split('\n\n')
      .filter((block) => block.includes('claude_proxy_') && !block.includes('claude_proxy_info'))
      .join('\n\n');
  } finally {
    now.mockRestore();
    Logger.overrideLogger(false);
  }
}

it('records a scripted set of requests into the same exposition, byte for byte', async () => {
  const text = await exposition();
  if (process.env.WRITE_EXPOSITION_FIXTURE === '1') {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(FIXTURE, text);
    // Never a pass: a run that wrote the fixture compared nothing.
    throw new Error(`wrote ${FIXTURE}; run again without WRITE_EXPOSITION_FIXTURE to compare`);
  }
  expect(text).toBe(readFileSync(FIXTURE, 'utf8'));
});
