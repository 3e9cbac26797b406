import type Anthropic from '@anthropic-ai/sdk';
import { Injectable, Logger } from '@nestjs/common';
import { OpenAIHttpException } from '../common/openai-error.js';
import { AppConfig } from '../config/app-config.js';
import { AnthropicClientFactory } from './anthropic-client.factory.js';

/** Where the credential in use came from; shown by health, never its value. */
export type CredentialSource = 'api-key' | 'oauth-token' | 'claude-login';

export interface CredentialState {
  source: CredentialSource | null;
  usable: boolean;
  /** Why requests cannot be served, in words an operator can act on. */
  reason?: string;
}

export const NO_CREDENTIAL_REASON =
  'No Anthropic credential is configured. Set ANTHROPIC_API_KEY (a Console API key), or ' +
  'CLAUDE_CODE_OAUTH_TOKEN (a token from `claude setup-token`), or log in with Claude Code ' +
  'so that $CLAUDE_CONFIG_DIR/.credentials.json exists.';

/**
 * Chooses the credential once, at start-up, in priority order (API key >
 * OAuth token > Claude Code login), and owns the one SDK client built for it.
 * Requests only ask for that client; nothing on the request path builds one.
 */
@Injectable()
export class CredentialProvider {
  private readonly logger = new Logger('Credentials');
  readonly source: CredentialSource | null;
  private readonly anthropic: Anthropic | null;

  constructor(config: AppConfig, factory: AnthropicClientFactory) {
    const apiKey = config.get('ANTHROPIC_API_KEY');
    const token = config.get('CLAUDE_ACCESS_TOKEN') ?? config.get('CLAUDE_CODE_OAUTH_TOKEN');
    if (apiKey) {
      this.source = 'api-key';
      this.anthropic = factory.create({ apiKey });
    } else if (token) {
      this.source = 'oauth-token';
      // A static token never expires as far as the SDK's cache knows; an OAuth
      // token still has to go through `credentials` to get the OAuth beta header.
      this.anthropic = factory.create({ credentials: async () => ({ token, expiresAt: null }) });
    } else {
      this.source = null;
      this.anthropic = null;
    }
    if (this.source) this.logger.log(`Using credential source: ${this.source}`);
    else this.logger.warn(NO_CREDENTIAL_REASON);
  }

  state(): CredentialState {
    return this.anthropic
      ? { source: this.source, usable: true }
      : { source: this.source, usable: false, reason: NO_CREDENTIAL_REASON };
  }

  /** The client for the active credential, or a 401 that says how to fix it. */
  client(): Anthropic {
    if (this.anthropic) return this.anthropic;
    throw new OpenAIHttpException(401, this.state().reason ?? NO_CREDENTIAL_REASON, 'authentication_error', {
      code: 'no_credentials',
    });
  }
}
