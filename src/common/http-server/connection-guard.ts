import { Global, Injectable, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { AppConfig } from '../../config/app-config.js';
import { watchAnswer } from './answer-deadline.js';
import { answerClientError } from './parser-errors.js';

/**
 * Bounds in time every connection the HTTP server holds, where Node's
 * defaults would hold it for minutes:
 * - a request must arrive within REQUEST_HEADERS_TIMEOUT_MS (headers) and
 *   REQUEST_TIMEOUT_MS (headers and body); Node's defaults, 60 s and 300 s
 *   checked every 30 s, held a body trickled in a byte a second for 330 s;
 * - an answer must be read within STREAM_WRITE_TIMEOUT_MS (answer-deadline.ts);
 * - what Node's parser refuses, and the timeouts above, are answered in the
 *   error contract of the door addressed (parser-errors.ts), not with Node's
 *   bare status line.
 * The check interval is the server's own (express-adapter.ts: a second).
 */
@Injectable()
export class ConnectionGuard implements OnApplicationBootstrap {
  private readonly logger = new Logger('Connections');
  private readonly headersTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly writeTimeoutMs: number;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    config: AppConfig,
  ) {
    this.headersTimeoutMs = config.get('REQUEST_HEADERS_TIMEOUT_MS');
    this.requestTimeoutMs = config.get('REQUEST_TIMEOUT_MS');
    this.writeTimeoutMs = config.get('STREAM_WRITE_TIMEOUT_MS');
  }

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) return;
    server.headersTimeout = this.headersTimeoutMs;
    server.requestTimeout = this.requestTimeoutMs;
    server.on('clientError', answerClientError);
    const dropped = (res: ServerResponse) => {
      const id = res.getHeader('x-request-id');
      this.logger.warn(`answer dropped: the client read nothing for ${this.writeTimeoutMs} ms (STREAM_WRITE_TIMEOUT_MS)${id ? `; request ${String(id)}` : ''}`);
    };
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => watchAnswer(res, this.writeTimeoutMs, dropped));
  }
}

/** Global, as the server it guards is the application's one. */
@Global()
@Module({ providers: [ConnectionGuard] })
export class ConnectionGuardModule {}
