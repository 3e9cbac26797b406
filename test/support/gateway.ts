import type { INestApplication, LoggerService } from '@nestjs/common';
import OpenAI from 'openai';
import { createApp } from '../../src/app.factory.js';
import { AnthropicStandIn } from './anthropic-stand-in.js';

/** Every line the gateway logged, to assert that no secret is in any of them. */
export class CapturedLogs implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown, ...rest: unknown[]) {
    // Objects are the structured lines (the per-request record): keep every field.
    this.lines.push([message, ...rest].map((part) => (part !== null && typeof part === 'object' ? JSON.stringify(part) : String(part))).join(' '));
  }
  error = this.log;
  warn = this.log;
  debug = this.log;
  verbose = this.log;
  fatal = this.log;
  get text(): string {
    return this.lines.join('\n');
  }
}

export interface Gateway {
  app: INestApplication;
  url: string;
  openai: OpenAI;
  logs: CapturedLogs;
  close(): Promise<void>;
}

export const TEST_API_KEY = 'sk-ant-api03-test-key-0123456789abcdef';

/**
 * The app exactly as production builds it, listening on loopback, pointed at
 * the stand-in, with a test API key unless `env` overrides it (`undefined` unsets).
 */
export async function startGateway(
  standIn: AnthropicStandIn,
  env: Record<string, string | undefined> = {},
): Promise<Gateway> {
  const logs = new CapturedLogs();
  const app = await createApp(
    { ANTHROPIC_BASE_URL: standIn.url, LOG_LEVEL: 'debug', ANTHROPIC_API_KEY: TEST_API_KEY, ...env },
    { logger: logs },
  );
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'client-side-key-unused', maxRetries: 0 });
  return { app, url, openai, logs, close: () => app.close() };
}
