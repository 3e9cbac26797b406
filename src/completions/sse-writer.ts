import type { Response } from 'express';

/**
 * Writes one Server-Sent-Events response: each payload goes out as it is
 * given (no buffering), a slow reader pauses the writer (back-pressure), and
 * an idle stream gets comment heartbeats so proxies do not cut it.
 */
export class SseWriter {
  private lastWrite = Date.now();
  private heartbeat?: NodeJS.Timeout;

  /**
   * `doneMarker`: chat completions end a finished stream with `data: [DONE]`;
   * the Responses API ends with its `response.completed` event instead.
   */
  constructor(
    private readonly res: Response,
    private readonly heartbeatMs: number,
    private readonly doneMarker = true,
  ) {}

  open(headers: Record<string, string> = {}): void {
    this.res.status(200).set({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      // nginx (and ingress-nginx) buffer responses unless told not to.
      'x-accel-buffering': 'no',
      ...headers,
    });
    this.res.flushHeaders();
    this.heartbeat = setInterval(() => {
      // A client that is not reading needs no keep-alive, and each one would only queue up behind it.
      if (this.res.writableNeedDrain) return;
      if (Date.now() - this.lastWrite >= this.heartbeatMs) void this.write(': keep-alive\n\n');
    }, Math.max(10, Math.floor(this.heartbeatMs / 2)));
    this.heartbeat.unref();
  }

  data(payload: unknown): Promise<void> {
    return this.write(`data: ${JSON.stringify(payload)}\n\n`);
  }

  /** A named event (`event:` line, then `data:`), as the Responses API streams them. */
  event(name: string, payload: unknown): Promise<void> {
    return this.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
  }

  /** Ends the stream; `[DONE]` only when it completed, so a failure never looks like success. */
  end(completed: boolean): void {
    clearInterval(this.heartbeat);
    if (this.res.writableEnded || this.res.destroyed) return;
    if (completed && this.doneMarker) this.res.write('data: [DONE]\n\n');
    this.res.end();
  }

  private write(text: string): Promise<void> {
    this.lastWrite = Date.now();
    if (this.res.destroyed || this.res.writableEnded) return Promise.resolve();
    if (this.res.write(text)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }
}
