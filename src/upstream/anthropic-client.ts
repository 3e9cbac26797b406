import Anthropic, { type OpenTelemetryOptions } from '@anthropic-ai/sdk';
import { Logger } from '@nestjs/common';
import type { UpstreamAuth } from '../auth/upstream-auth.js';
import { redactSecrets } from '../common/redact.js';
import type { AppConfig } from '../config/app-config.js';

/**
 * The one place the Anthropic SDK client is constructed. Every auth option is
 * passed explicitly so the SDK never falls back to `ANTHROPIC_API_KEY`,
 * `ANTHROPIC_AUTH_TOKEN` or profile files on its own. A bearer token goes
 * through the SDK's `credentials` (an AccessTokenProvider), which adds the
 * OAuth beta header and asks again after a 401.
 */
export function createAnthropicClient(
  config: AppConfig,
  auth: UpstreamAuth,
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
    apiKey: auth.kind === 'api-key' ? auth.apiKey : null,
    authToken: null,
    // The SDK's TokenCache refreshes within 30 s of `expiresAt`; the login
    // credential answers "now", so every request asks again (concurrent ones
    // sharing one call) and a renewed login file is used at once.
    credentials: auth.kind === 'bearer' ? auth.token : null,
    fetch: auth.kind === 'bearer' && auth.onRejected ? watchRejected(transport, auth.onRejected) : transport,
    // The gateway's tracer provider when tracing is on (its spans join the
    // request's); otherwise off, not left to what OTEL_* variables say: the
    // SDK's no-op spans still cost ~6% of a request's CPU.
    openTelemetry,
    logLevel: 'warn',
    logger: { error: log('error'), warn: log('warn'), info: log('log'), debug: log('debug') },
  });
}

/**
 * The SDK's `forceRefresh` after a 401 does not say which token failed, and
 * with concurrent requests the last token handed out may already be a newer,
 * valid one: the 401 is tied to the bearer token it answered, seen here.
 */
function watchRejected(transport: typeof fetch, onRejected: (token: string) => void): typeof fetch {
  return async (input, init) => {
    const response = await transport(input, init);
    if (response.status === 401) {
      const token = /^Bearer (.+)$/.exec(new Headers(init?.headers).get('authorization') ?? '')?.[1];
      if (token) onRejected(token);
    }
    return response;
  };
}
