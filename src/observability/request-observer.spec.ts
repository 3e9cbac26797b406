import 'reflect-metadata';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { testConfig } from '../config/testing.js';
import { createPino, PinoLogger } from './logging/pino-logger.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';
import { Tracing } from './tracing/tracing.js';
import { exchangeOf, RequestObserver } from './request-observer.js';

/** Just enough of a response for the observer: headers, locals, and its `close` event. */
function fakeResponse() {
  const res = Object.assign(new EventEmitter(), {
    locals: {},
    statusCode: 200,
    writableFinished: true,
    setHeader: () => undefined,
  });
  return res as unknown as Response & EventEmitter;
}

it('never lets recording a request throw out of the response close listener (that would end the process)', () => {
  const errors: string[] = [];
  Logger.overrideLogger({ log: () => undefined, warn: () => undefined, debug: () => undefined, verbose: () => undefined, error: (m: string) => errors.push(m) });
  try {
    const metrics = {
      requestEnded: () => {
        throw new TypeError('a label value that is not a string');
      },
    } as unknown as GatewayMetrics;
    const tracing = { startRequestSpan: () => null } as unknown as Tracing;
    const observer = new RequestObserver(metrics, tracing);
    const res = fakeResponse();
    const req = { method: 'POST', headers: {}, originalUrl: '/v1/chat/completions' } as unknown as Request;
    observer.middleware(req, res, () => undefined);
    expect(() => res.emit('close')).not.toThrow();
    expect(errors.join('\n')).toContain('recording a request failed');
  } finally {
    Logger.overrideLogger(false);
  }
});

describe('the request line', () => {
  /** Runs one scripted chat request through the observer, with `logger` as the application's logger. */
  async function lineFor(env: Record<string, string>) {
    const written: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    let clock = 1_000;
    const now = jest.spyOn(performance, 'now').mockImplementation(() => clock);
    Logger.overrideLogger(new PinoLogger(await createPino(testConfig({ LOG_FORMAT: 'json', ...env }), sink)));
    try {
      const observer = new RequestObserver(new GatewayMetrics(testConfig({})), Tracing.off());
      const res = fakeResponse();
      const req = { method: 'POST', headers: { 'x-request-id': 'trace-7' }, route: { path: '/v1/chat/completions' } } as unknown as Request;
      observer.middleware(req, res, () => undefined);
      const exchange = exchangeOf(res)!;
      exchange.model = 'claude-sonnet-5-5';
      exchange.upstreamStarted();
      exchange.upstreamAccepted('req_011CdEfGh');
      clock = 1_080.25;
      exchange.contentArrived();
      exchange.stopped('end_turn');
      exchange.upstreamEnded('ok', { input: 12, output: 7, cacheRead: 0, cacheWrite: 3 });
      clock = 1_123.456;
      res.emit('close');
    } finally {
      now.mockRestore();
      Logger.overrideLogger(false);
    }
    return written.map((line) => line.replace(/"time":\d+/, '"time":0').replace(/"pid":\d+/, '"pid":0'));
  }

  it('is written field for field, in the order it always had', async () => {
    expect(await lineFor({ LOG_LEVEL: 'log' })).toEqual([
      '{"level":30,"time":0,"pid":0,"context":"Http","request_id":"trace-7","method":"POST","route":"/v1/chat/completions","status":200,' +
        '"duration_ms":123.5,"model":"claude-sonnet-5-5","stream":false,"upstream_request_id":"req_011CdEfGh","ttft_ms":80.3,' +
        '"input_tokens":12,"output_tokens":7,"cache_read_tokens":0,"cache_write_tokens":3,"stop_reason":"end_turn","msg":"request completed"}',
    ]);
  });

  it('is not written when LOG_LEVEL hides it', async () => {
    expect(await lineFor({ LOG_LEVEL: 'warn' })).toEqual([]);
  });
});
