import { Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../common/gateway-error.js';
import { AppConfig } from '../config/app-config.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Nest builds this class twice per application (the provider that /metrics
 * uses, and the instance that runs as middleware); the start-up line is said
 * once per application, whose config is one instance.
 */
const announced = new WeakSet<AppConfig>();

/**
 * With PROXY_API_KEYS set, /v1 answers only clients that send one of them:
 * as `Authorization: Bearer <key>` (OpenAI clients' `apiKey`, Claude Code's
 * ANTHROPIC_AUTH_TOKEN) or as `x-api-key: <key>` (Anthropic SDKs' `apiKey`,
 * Claude Code's ANTHROPIC_API_KEY). A middleware rather than
 * a guard so it runs before the other request checks: an unknown client
 * learns nothing but "401". Digests are compared so the comparison takes the
 * same time whatever the key's length or content.
 */
@Injectable()
export class ClientKeyMiddleware implements NestMiddleware {
  private readonly keys: Buffer[];

  constructor(config: AppConfig) {
    this.keys = config.clientKeys.map(digest);
    if (announced.has(config)) return;
    announced.add(config);
    const logger = new Logger('ClientKeys');
    if (this.keys.length > 0) logger.log(`Client authentication on: ${this.keys.length} key(s) in PROXY_API_KEYS`);
    else logger.warn('Client authentication off (PROXY_API_KEYS unset): anyone who reaches /v1 spends the credential');
  }

  use(req: Request, _res: Response, next: NextFunction): void {
    if (this.keys.length === 0) return next();
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    const header = req.headers['x-api-key'];
    const apiKey = typeof header === 'string' ? header.trim() : undefined;
    if (this.matches(bearer) || this.matches(apiKey)) return next();
    throw new GatewayError(
      401,
      bearer || apiKey
        ? 'Incorrect API key provided. Use one of the keys configured in PROXY_API_KEYS.'
        : "Missing API key: this gateway requires 'Authorization: Bearer <key>' or 'x-api-key: <key>' (PROXY_API_KEYS is set).",
      { type: 'invalid_request_error', code: 'invalid_api_key' },
    );
  }

  private matches(presented: string | undefined): boolean {
    if (!presented) return false;
    const candidate = digest(presented);
    // Every key is compared, so a match early in the list is not faster.
    return this.keys.reduce((found, key) => timingSafeEqual(key, candidate) || found, false);
  }
}
