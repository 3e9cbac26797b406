/**
 * The same comparison without the noise of a shared machine: the work the
 * request observer does for one request (metrics recorded, the JSON request
 * line written through pino to /dev/null), in this process, with metrics
 * and request logs on and off. observability-cost.ts divides the difference
 * by the gateway's measured CPU per request.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import { testConfig } from '../src/config/testing.js';
import { PinoLogger, createPino } from '../src/observability/logging/pino-logger.js';
import { GatewayMetrics } from '../src/observability/metrics/gateway-metrics.js';
import type { Exchange } from '../src/observability/exchange.js';
import { RequestObserver } from '../src/observability/request-observer.js';
import { Tracing } from '../src/observability/tracing/tracing.js';

/** Microseconds of observer work per request, for one setting of the switches. */
export async function observerMicroseconds(on: boolean, iterations = 20_000): Promise<number> {
  const config = testConfig({ METRICS_ENABLED: String(on), LOG_LEVEL: on ? 'log' : 'warn', LOG_FORMAT: 'json' });
  Logger.overrideLogger(new PinoLogger(await createPino(config, pino.destination({ dest: '/dev/null', sync: true }))));
  const observer = new RequestObserver(new GatewayMetrics(config), Tracing.off());
  const req = { method: 'POST', headers: {}, route: { path: '/v1/chat/completions' } } as unknown as Request;
  const once = () => {
    const res = Object.assign(new EventEmitter(), {
      locals: {} as Record<string, unknown>,
      statusCode: 200,
      writableFinished: true,
      setHeader: () => undefined,
    });
    observer.middleware(req, res as unknown as Response, () => undefined);
    // What the completions path notes on a non-streaming answer.
    const exchange = res.locals.exchange as Exchange;
    exchange.model = 'claude-sonnet-5-5';
    exchange.upstreamStarted();
    exchange.upstreamAccepted('req_011CdEfGh');
    exchange.contentArrived();
    exchange.stopped('end_turn');
    exchange.upstreamEnded('ok', { input: 12, output: 7, cacheRead: 0, cacheWrite: 0 });
    res.emit('close');
  };
  for (let i = 0; i < 2000; i++) once();
  const started = process.cpuUsage();
  for (let i = 0; i < iterations; i++) once();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / iterations;
}

/** Microseconds of CPU one scrape of /metrics costs (the exposition, default process metrics included). */
export async function scrapeMicroseconds(scrapes = 50): Promise<number> {
  const metrics = new GatewayMetrics(testConfig({ METRICS_ENABLED: 'true' }));
  metrics.tokensUsed('claude-sonnet-5-5', { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 });
  await metrics.exposition();
  const started = process.cpuUsage();
  for (let i = 0; i < scrapes; i++) await metrics.exposition();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / scrapes;
}
