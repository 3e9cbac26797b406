import type { Request } from 'express';
import { createHmac } from 'node:crypto';

/**
 * Whose stored data a request may see. Each client key is its own tenant,
 * named by a keyed hash of the key (HMAC-SHA-256 under STORE_TENANT_SECRET,
 * or a random key per process when nothing is shared): the key itself is
 * never stored or sent to Redis, and a tenant id cannot be turned back into
 * one, even by someone who reads Redis. Without PROXY_API_KEYS there is one
 * tenant.
 */
export const SINGLE_TENANT = 'open';

const TENANT = Symbol('tenant');

type WithTenant = Request & { [TENANT]?: string };

/** Tenant ids of the configured keys, in their order; computed once at start-up. */
export function tenantIds(keys: readonly string[], secret: string | Buffer): string[] {
  return keys.map((key) => createHmac('sha256', secret).update(key).digest('hex').slice(0, 32));
}

export function setTenant(req: Request, tenant: string): void {
  (req as WithTenant)[TENANT] = tenant;
}

/** The request's tenant, as the client-key middleware found it. */
export function tenantOf(req: Request): string {
  return (req as WithTenant)[TENANT] ?? SINGLE_TENANT;
}
