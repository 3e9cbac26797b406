import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { OpenAIHttpException } from '../common/openai-error.js';
import { AppConfig } from '../config/app-config.js';
import { parseKeyList } from '../config/environment.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * With PROXY_API_KEYS set, /v1 answers only clients that send one of them,
 * as OpenAI clients already do with their `apiKey`. Digests are compared so
 * the comparison takes the same time whatever the key's length or content.
 */
@Injectable()
export class ClientKeyGuard implements CanActivate {
  private readonly keys: Buffer[];

  constructor(config: AppConfig) {
    this.keys = parseKeyList(config.get('PROXY_API_KEYS') ?? '').map(digest);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.keys.length === 0) return true;
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const presented = /^Bearer\s+(.+)$/i.exec(header)?.[1];
    if (presented) {
      const candidate = digest(presented.trim());
      // Every key is compared, so a match early in the list is not faster.
      const matched = this.keys.reduce((found, key) => timingSafeEqual(key, candidate) || found, false);
      if (matched) return true;
    }
    throw new OpenAIHttpException(
      401,
      presented
        ? 'Incorrect API key provided. Use one of the keys configured in PROXY_API_KEYS.'
        : "Missing API key: this gateway requires 'Authorization: Bearer <key>' (PROXY_API_KEYS is set).",
      'invalid_request_error',
      { code: 'invalid_api_key' },
    );
  }
}
