import Anthropic from '@anthropic-ai/sdk';
import type { ClientOptions } from '@anthropic-ai/sdk';
import { Injectable, Logger } from '@nestjs/common';
import { redactSecrets } from '../common/redact.js';
import { AppConfig } from '../config/app-config.js';

/** The SDK's `AccessTokenProvider`: it adds the OAuth beta header and re-asks after a 401. */
export type AccessTokenProvider = NonNullable<ClientOptions['credentials']>;

export type ClientAuth = { apiKey: string } | { credentials: AccessTokenProvider };

export interface ClientHooks {
  /**
   * Called with the bearer token a 401 answered. The SDK's `forceRefresh`
   * call does not say which token failed, and with concurrent requests the
   * last token handed out may already be a newer, valid one.
   */
  onUnauthorized?: (token: string) => void;
}

/**
 * The one place the Anthropic SDK client is constructed. Every auth option is
 * passed explicitly so the SDK never falls back to `ANTHROPIC_API_KEY`,
 * `ANTHROPIC_AUTH_TOKEN` or profile files on its own.
 */
@Injectable()
export class AnthropicClientFactory {
  private readonly logger = new Logger('AnthropicSDK');

  constructor(private readonly config: AppConfig) {}

  create(auth: ClientAuth, hooks: ClientHooks = {}): Anthropic {
    const log = (level: 'error' | 'warn' | 'log' | 'debug') => (message: string) =>
      this.logger[level](redactSecrets(String(message)));
    return new Anthropic({
      baseURL: this.config.get('ANTHROPIC_BASE_URL'),
      // Explicit, so the SDK's guard against long non-streaming calls never
      // trips on the large default output budgets.
      timeout: this.config.get('UPSTREAM_TIMEOUT_MS'),
      maxRetries: this.config.get('UPSTREAM_MAX_RETRIES'),
      apiKey: 'apiKey' in auth ? auth.apiKey : null,
      authToken: null,
      credentials: 'credentials' in auth ? auth.credentials : null,
      fetch: hooks.onUnauthorized ? watchUnauthorized(hooks.onUnauthorized) : undefined,
      logLevel: 'warn',
      logger: { error: log('error'), warn: log('warn'), info: log('log'), debug: log('debug') },
    });
  }
}

function watchUnauthorized(onUnauthorized: (token: string) => void): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (response.status === 401) {
      const token = /^Bearer (.+)$/.exec(new Headers(init?.headers).get('authorization') ?? '')?.[1];
      if (token) onUnauthorized(token);
    }
    return response;
  };
}
