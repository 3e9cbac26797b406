import type { IncomingHttpHeaders } from 'node:http';

/**
 * The client's request headers that go upstream: Anthropic's own
 * (`anthropic-version`, `anthropic-beta`, and any other `anthropic-*`),
 * byte for byte. Nothing else does: the client's credentials
 * (`authorization`, `x-api-key`) are the gateway's business, and the
 * gateway's own credential is added by the upstream port; hop-by-hop
 * headers (RFC 9110 §7.6.1: `connection` and every header it names) end at
 * this hop; `host`, lengths and encodings describe this connection, not upstream's.
 *
 * A client without `anthropic-version` is sent upstream without one (the
 * SDK's default is removed, `null`), so it learns what Anthropic answers it.
 * Pure.
 */
export function forwardedHeaders(headers: IncomingHttpHeaders): Record<string, string | null> {
  const hopByHop = connectionTokens(headers.connection);
  const forwarded: Record<string, string | null> = { 'content-type': 'application/json', 'anthropic-version': null };
  for (const name in headers) {
    if (!name.startsWith('anthropic-') || hopByHop.has(name)) continue;
    const value = headers[name];
    if (typeof value === 'string') forwarded[name] = value;
  }
  return forwarded;
}

function connectionTokens(connection: string | undefined): ReadonlySet<string> {
  if (!connection) return NONE;
  return new Set(connection.split(',').map((token) => token.trim().toLowerCase()));
}

const NONE: ReadonlySet<string> = new Set();
