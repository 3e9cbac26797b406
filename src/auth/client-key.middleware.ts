import { Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../common/errors/gateway-error.js';
import { AppConfig } from '../config/app-config.js';
import { setTenant, tenantIds } from './tenant.js';

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
  /** The tenant of each key, in the same order (tenant.ts). */
  private readonly tenants: string[];

  constructor(config: AppConfig) {
    this.keys = config.clientKeys.map(digest);
    this.tenants = tenantIds(config.clientKeys, config.tenantSecret);
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
    const matched = Math.max(this.match(bearer), this.match(apiKey));
    if (matched >= 0) {
      setTenant(req, this.tenants[matched]);
      return next();
    }
    throw new GatewayError(
      401,
      bearer || apiKey
        ? 'Incorrect API key provided. Use one of the keys configured in PROXY_API_KEYS.'
        : "Missing API key: this gateway requires 'Authorization: Bearer <key>' or 'x-api-key: <key>' (PROXY_API_KEYS is set).",
      { type: 'invalid_request_error', code: 'invalid_api_key' },
    );
  }

  /** The index of the key presented, or -1. Every key is compared, so a match early in the list is not faster. */
  private match(presented: string | undefined): number {
    if (!presented) return -1;
    const candidate = digest(presented);
    let matched = -1;
    for (let i = 0; i < this.keys.length; i++) if (timingSafeEqual(this.keys[i], candidate)) matched = i;
    return matched;
  }
}
