import { Injectable, Module } from '@nestjs/common';
import type { Response } from 'express';
import { AppConfig } from '../config/app-config.js';
import { SseWriter } from './sse-writer.js';

/** Every door's SSE writers, with the configured heartbeat (STREAM_HEARTBEAT_SECONDS) and write timeout (STREAM_WRITE_TIMEOUT_MS). */
@Injectable()
export class SseWriters {
  private readonly heartbeatMs: number;
  private readonly writeTimeoutMs: number;

  constructor(config: AppConfig) {
    this.heartbeatMs = config.get('STREAM_HEARTBEAT_SECONDS') * 1000;
    this.writeTimeoutMs = config.get('STREAM_WRITE_TIMEOUT_MS');
  }

  /** A writer for one response; `doneMarker` as SseWriter takes it (chat completions end with `[DONE]`). */
  for(res: Response, doneMarker = true): SseWriter {
    return new SseWriter(res, this.heartbeatMs, this.writeTimeoutMs, doneMarker);
  }
}

@Module({ providers: [SseWriters], exports: [SseWriters] })
export class StreamingModule {}
