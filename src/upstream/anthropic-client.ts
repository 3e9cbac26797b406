import Anthropic, { type OpenTelemetryOptions } from '@anthropic-ai/sdk';
import { Logger } from '@nestjs/common';
import { redactSecrets } from '../common/redaction/redact.js';
import type { AppConfig } from '../config/app-config.js';

/**
 * The one place the Anthropic SDK client is constructed. It holds no
 * credential: every call carries its own `Authorization` header (see
 * `authHeaders` and CredentialRefusal), so the SDK never falls back to
 * `ANTHROPIC_API_KEY`, `ANTHROPIC_AUTH_TOKEN` or profile files on its own,
 * and never runs its own refresh-and-retry after a 401.
 */
export function createAnthropicClient(
  config: AppConfig,
  transport: typeof fetch,
  openTelemetry: OpenTelemetryOptions | false = false,
): Anthropic {
  const logger = new Logger('AnthropicSDK');
  const log = (level: 'error' | 'warn' | 'log' | 'debug') => (message: string) =>
    logger[level](redactSecrets(String(message)));
  return new Anthropic({
    baseURL: config.get('ANTHROPIC_BASE_URL'),
    // Until upstream's response headers arrive; from there on the stream's
    // silence timer (watched-events.ts) applies the same limit between events.
    timeout: config.get('UPSTREAM_TIMEOUT_MS'),
    maxRetries: config.get('UPSTREAM_MAX_RETRIES'),
    apiKey: null,
    authToken: null,
    credentials: null,
    fetch: transport,
    // The gateway's tracer provider when tracing is on (its spans join the
    // request's); otherwise off, not left to what OTEL_* variables say: the
    // SDK's no-op spans still cost ~6% of a request's CPU.
    openTelemetry,
    logLevel: 'warn',
    logger: { error: log('error'), warn: log('warn'), info: log('log'), debug: log('debug') },
  });
}
