import { randomBytes } from 'node:crypto';
import type { RecordedRequest, Reply } from './anthropic-stand-in.js';

/**
 * Anthropic's token endpoint for workload identity federation, as the SDK
 * (lib/credentials/oidc-federation) talks to it: `POST /v1/oauth/token`
 * with a JSON jwt-bearer grant and both betas. It checks the grant exactly
 * (no field missing, none extra, each value the configured one), accepts
 * only the identity tokens it trusts, and issues short-lived access tokens
 * that the Messages stand-in then accepts until they expire.
 */

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const EXCHANGE_BETA = 'oauth-2025-04-20,oidc-federation-2026-04-01';

export interface FederationRule {
  ruleId: string;
  organizationId: string;
  /** When set, the grant must name this workspace; otherwise it must name none. */
  workspaceId?: string;
}

export interface Exchange {
  at: number;
  assertion: string;
  status: number;
  /** The access token issued, when one was. */
  issued?: string;
}

/** An unsigned JWT in the shape of a projected Kubernetes service-account token. */
export function identityToken(subject = 'system:serviceaccount:ai:claude-code-proxy', audience = 'https://api.anthropic.com'): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return [
    part({ alg: 'RS256', kid: randomBytes(8).toString('hex') }),
    part({ iss: 'https://kubernetes.default.svc', sub: subject, aud: [audience], iat: now, exp: now + 3600, jti: randomBytes(8).toString('hex') }),
    randomBytes(64).toString('base64url'),
  ].join('.');
}

const GRANT_FIELDS = ['grant_type', 'assertion', 'federation_rule_id', 'organization_id'];

export class TokenEndpoint {
  /** Seconds each issued access token lives. */
  lifetimeSeconds = 60;
  /** Identity tokens the rule accepts; others are `invalid_grant`. */
  readonly trusted = new Set<string>();
  readonly exchanges: Exchange[] = [];
  /** When set, answers instead of the exchange (an outage, say). */
  outage: Reply | null = null;
  private readonly issued = new Map<string, number>();

  constructor(readonly rule: FederationRule) {}

  /** The handler to set as the stand-in's `tokenEndpoint`. */
  readonly handle = (req: RecordedRequest): Reply => {
    const body = req.body as Record<string, unknown> | undefined;
    const assertion = typeof body?.assertion === 'string' ? body.assertion : '';
    const answer = (reply: Reply, issued?: string): Reply => {
      this.exchanges.push({ at: Date.now(), assertion, status: reply.kind === 'json' ? (reply.status ?? 200) : 0, issued });
      return reply;
    };
    const problem = this.malformed(req);
    if (problem) return answer(oauthError(400, 'invalid_request', problem));
    if (this.outage) return answer(this.outage);
    if (!this.trusted.has(assertion)) {
      return answer(oauthError(401, 'invalid_grant', 'The assertion does not satisfy federation rule ' + this.rule.ruleId));
    }
    const token = `wif-at-${randomBytes(24).toString('base64url')}`;
    this.issued.set(token, Date.now() + this.lifetimeSeconds * 1000);
    return answer({ kind: 'json', body: { access_token: token, token_type: 'Bearer', expires_in: this.lifetimeSeconds } }, token);
  };

  /** For the Messages stand-in's `issuedTokens`. */
  readonly verdict = (token: string): 'valid' | 'expired' | 'unknown' => {
    const expiresAt = this.issued.get(token);
    if (expiresAt === undefined) return 'unknown';
    return Date.now() < expiresAt ? 'valid' : 'expired';
  };

  /** Every access token issued so far. */
  get tokens(): string[] {
    return this.exchanges.flatMap((e) => (e.issued ? [e.issued] : []));
  }

  /** What the real endpoint refuses as a bad request: the grant not exactly as the SDK sends it. */
  private malformed(req: RecordedRequest): string | null {
    if (req.headers['content-type'] !== 'application/json') return 'content-type must be application/json';
    if (req.headers['anthropic-beta'] !== EXCHANGE_BETA) return `anthropic-beta must be ${EXCHANGE_BETA}`;
    const body = req.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') return 'the body must be a JSON object';
    const expected = [...GRANT_FIELDS, ...(this.rule.workspaceId ? ['workspace_id'] : [])].sort();
    if (JSON.stringify(Object.keys(body).sort()) !== JSON.stringify(expected)) return `the grant must have exactly ${expected.join(', ')}`;
    if (body.grant_type !== JWT_BEARER) return `grant_type must be ${JWT_BEARER}`;
    if (typeof body.assertion !== 'string' || body.assertion.split('.').length !== 3) return 'assertion must be a JWT';
    if (body.federation_rule_id !== this.rule.ruleId) return 'unknown federation_rule_id';
    if (body.organization_id !== this.rule.organizationId) return 'organization_id does not own the rule';
    if (this.rule.workspaceId && body.workspace_id !== this.rule.workspaceId) return 'workspace_id is not covered by the rule';
    return null;
  }
}

const oauthError = (status: number, error: string, description: string): Reply => ({
  kind: 'json',
  status,
  body: { error, error_description: description },
});
