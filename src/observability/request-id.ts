import { randomUUID } from 'node:crypto';

/**
 * A client's `x-request-id` is kept when it is safe to log and echo: at most
 * 128 characters from a charset with no spaces, quotes or control characters
 * (UUIDs, ULIDs, `req_…`, W3C trace ids). Anything else is replaced, so a
 * header value can never forge a log line or smuggle a secret into one.
 */
const SAFE_ID = /^[A-Za-z0-9._:\-]{1,128}$/;

export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && SAFE_ID.test(value) && !value.startsWith('sk-') ? value : randomUUID();
}
