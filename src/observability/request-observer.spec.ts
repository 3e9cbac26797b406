import { Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { EventEmitter } from 'node:events';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import type { Tracing } from '../tracing/tracing.js';
import { RequestObserver } from './request-observer.js';

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
