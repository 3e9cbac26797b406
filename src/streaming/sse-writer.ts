import type { Response } from 'express';
import { GatewayError } from '../common/errors/gateway-error.js';
import { markDropped } from '../common/http-server/answer-deadline.js';

/** The client left written data unread for STREAM_WRITE_TIMEOUT_MS; its connection has been dropped. */
export class ClientStalledError extends GatewayError {
  constructor(readonly timeoutMs: number) {
    // 499 as for a client that hung up: for metrics and logs, it is the client that ended the exchange.
    super(499, `the client read nothing for ${timeoutMs} ms (STREAM_WRITE_TIMEOUT_MS)`, { code: 'client_stalled' });
    this.name = 'ClientStalledError';
  }
}

/**
 * Writes one Server-Sent-Events response: each payload goes out as it is
 * given (no buffering), a slow reader pauses the writer (back-pressure), and
 * an idle stream gets comment heartbeats so proxies do not cut it. A reader
 * that stays paused for the write timeout is dropped: otherwise a client
 * that never reads would hold its socket's buffers and the upstream call for
 * as long as upstream keeps talking.
 */
export class SseWriter {
  private lastWrite = Date.now();
  private heartbeat?: NodeJS.Timeout;
  /** The one wait for `drain` in progress, shared by every write that meets it. */
  private drained: Promise<void> | null = null;

  /**
   * `doneMarker`: chat completions end a finished stream with `data: [DONE]`;
   * the Responses API ends with its `response.completed` event instead.
   */
  constructor(
    private readonly res: Response,
    private readonly heartbeatMs: number,
    private readonly writeTimeoutMs: number,
    private readonly doneMarker = true,
  ) {}

  open(headers: Record<string, string> = {}): void {
    this.res.status(200).set({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      // nginx (and ingress-nginx) buffer responses unless told not to.
      'x-accel-buffering': 'no',
      ...headers,
    });
    this.res.flushHeaders();
    this.heartbeat = setInterval(() => {
      // A client that is not reading needs no keep-alive, and each one would only queue up behind it.
      if (this.res.writableNeedDrain) return;
      // A stall is reported by the data write that meets it; the heartbeat stays quiet.
      if (Date.now() - this.lastWrite >= this.heartbeatMs) this.write(': keep-alive\n\n').catch(() => undefined);
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

  /** An event already in SSE form (`event:`/`data:` lines and the blank line), written as it is: a pass-through's. */
  raw(text: string): Promise<void> {
    return this.write(text);
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
    return (this.drained ??= this.waitForDrain());
  }

  /** Resolves when the client has read enough; rejects, after dropping it, when it reads nothing for the timeout. */
  private waitForDrain(): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        this.res.off('drain', done);
        this.res.off('close', done);
        this.drained = null;
      };
      const done = () => {
        settle();
        resolve();
      };
      const timer = setTimeout(() => {
        settle();
        // A reset, not a close: a close would leave the unread bytes queued
        // in the kernel for as long as the client keeps its window shut.
        // Either way the response closes, which aborts upstream (abortOnClose).
        // Counted as a disconnected client, as the response itself still reports `finish`.
        markDropped(this.res);
        if (this.res.socket) this.res.socket.resetAndDestroy();
        else this.res.destroy();
        reject(new ClientStalledError(this.writeTimeoutMs));
      }, this.writeTimeoutMs);
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }
}
