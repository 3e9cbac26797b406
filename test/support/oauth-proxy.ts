import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createThrowawayCa } from './throwaway-ca.js';

/**
 * A loopback HTTPS proxy for the real Claude Code CLI, which has its token
 * host built in and no variable to point it elsewhere, but honours
 * HTTPS_PROXY and NODE_EXTRA_CA_CERTS. CONNECTs to the hosts it plays are
 * answered by TLS with a certificate from a CA made for this run, and the
 * requests inside are served here: the OAuth token endpoint (which records
 * each grant and answers like the real one) and the profile lookup. Every
 * other host is refused and recorded, so a test can assert the CLI reached
 * nothing else.
 */

/** Where the CLI's OAuth client sends `POST /v1/oauth/token` (its TOKEN_URL). */
export const TOKEN_HOST = 'platform.claude.com';
/** Its BASE_API_URL, which serves `GET /api/oauth/profile`. */
export const API_HOST = 'api.anthropic.com';

export interface TokenGrant {
  /** The form or JSON fields the CLI sent (grant_type, refresh_token, client_id, scope). */
  fields: Record<string, unknown>;
  at: number;
}

export interface TokenAnswer {
  status: number;
  body: unknown;
}

export interface IssuedLogin {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
}

export interface SeenRequest {
  host: string;
  method: string;
  path: string;
}

/** The scopes a Claude subscription login holds; the CLI keeps a new token only with `user:inference`. */
export const SUBSCRIPTION_SCOPES = 'user:profile user:inference user:sessions:claude_code user:mcp_servers user:file_upload';

export const invalidGrant: TokenAnswer = {
  status: 400,
  body: { error: 'invalid_grant', error_description: 'Refresh token not found or invalid' },
};

export class OAuthProxy {
  readonly grants: TokenGrant[] = [];
  readonly issued: IssuedLogin[] = [];
  /** Every request served inside the intercepted tunnels. */
  readonly requests: SeenRequest[] = [];
  /** Every CONNECT target (host:port) in order, served or not. */
  readonly connects: string[] = [];
  /** Targets refused: CONNECTs to other hosts and plain-HTTP proxy requests. */
  readonly refused: string[] = [];
  /** How the token endpoint answers a grant; by default with a fresh login. */
  answer: (grant: TokenGrant) => TokenAnswer | Promise<TokenAnswer> = () => this.freshLogin();
  /** Access tokens the profile endpoint answers 401 to, as for a revoked login. */
  readonly revokedAccessTokens = new Set<string>();
  /** Lifetime of the tokens `freshLogin` issues. */
  expiresInSeconds = 8 * 3600;

  private readonly sockets = new Set<Socket>();
  private readonly extraServers: Server[] = [];

  private constructor(
    private readonly proxy: Server,
    private readonly tls: HttpsServer,
    private readonly dir: string,
    private readonly intercepted: ReadonlySet<string>,
  ) {}

  static async start(intercept: readonly string[] = [TOKEN_HOST, API_HOST]): Promise<OAuthProxy> {
    const ca = createThrowawayCa();
    const leaf = ca.issue(intercept);
    const dir = await mkdtemp(join(tmpdir(), 'ccp-oauth-proxy-'));
    await writeFile(join(dir, 'ca.pem'), ca.certPem);
    const tls = createHttpsServer({ cert: leaf.certPem, key: leaf.keyPem });
    const proxy = createHttpServer();
    const self = new OAuthProxy(proxy, tls, dir, new Set(intercept));
    tls.on('request', (req, res) => void self.serve(req, res));
    self.attach(proxy);
    proxy.listen(0, '127.0.0.1');
    await once(proxy, 'listening');
    return self;
  }

  /**
   * The same proxy on a Unix socket as well: a socket is a file, so a CLI in
   * a network namespace of its own (where this process's loopback does not
   * exist) can still reach it through a relay inside that namespace.
   */
  async listenOnSocket(): Promise<string> {
    const path = join(this.dir, 'proxy.sock');
    const server = createHttpServer();
    this.attach(server);
    this.extraServers.push(server);
    server.listen(path);
    await once(server, 'listening');
    return path;
  }

  private attach(server: Server): void {
    server.on('request', (req, res) => this.refusePlainHttp(req, res));
    server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => this.tunnel(req, socket, head));
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** The value for HTTPS_PROXY (and HTTP_PROXY). */
  get url(): string {
    return `http://127.0.0.1:${(this.proxy.address() as AddressInfo).port}`;
  }

  /** The value for NODE_EXTRA_CA_CERTS. */
  get caPath(): string {
    return join(this.dir, 'ca.pem');
  }

  /** Distinct CONNECT hosts, without ports, in first-seen order. */
  get hosts(): string[] {
    return [...new Set(this.connects.map((target) => target.replace(/:\d+$/, '')))];
  }

  /** The environment that sends a Node-based or Bun-based CLI through this proxy. */
  env(): Record<string, string> {
    return {
      HTTPS_PROXY: this.url,
      https_proxy: this.url,
      HTTP_PROXY: this.url,
      http_proxy: this.url,
      NO_PROXY: '',
      no_proxy: '',
      NODE_EXTRA_CA_CERTS: this.caPath,
    };
  }

  /** What the real endpoint answers to a good refresh grant: a new access and refresh token pair. */
  freshLogin(): TokenAnswer {
    const login: IssuedLogin = {
      accessToken: `sk-ant-oat01-renewed-${randomBytes(16).toString('hex')}`,
      refreshToken: `sk-ant-ort01-renewed-${randomBytes(16).toString('hex')}`,
      expiresInSeconds: this.expiresInSeconds,
    };
    this.issued.push(login);
    return {
      status: 200,
      body: {
        token_type: 'Bearer',
        access_token: login.accessToken,
        refresh_token: login.refreshToken,
        expires_in: login.expiresInSeconds,
        scope: SUBSCRIPTION_SCOPES,
        account: { uuid: 'acc00000-0000-4000-8000-000000000001', email_address: 'tester@example.com' },
        organization: { uuid: 'org00000-0000-4000-8000-000000000001', name: 'Test organization' },
      },
    };
  }

  reset(): void {
    this.grants.length = 0;
    this.issued.length = 0;
    this.requests.length = 0;
    this.connects.length = 0;
    this.refused.length = 0;
    this.revokedAccessTokens.clear();
    this.answer = () => this.freshLogin();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.proxy.close();
    for (const server of this.extraServers) server.close();
    this.tls.close();
    await rm(this.dir, { recursive: true, force: true });
  }

  private tunnel(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const target = req.url ?? '';
    this.connects.push(target);
    socket.on('error', () => undefined);
    const [host, port] = [target.replace(/:\d+$/, ''), target.match(/:(\d+)$/)?.[1]];
    if (!this.intercepted.has(host) || port !== '443') {
      this.refused.push(target);
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
    // The HTTPS server wraps the raw socket in TLS itself, as if it had accepted it.
    this.tls.emit('connection', socket);
  }

  private refusePlainHttp(req: IncomingMessage, res: ServerResponse): void {
    this.refused.push(req.url ?? '');
    res.writeHead(403).end();
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const path = (req.url ?? '').split('?')[0];
    this.requests.push({ host, method: req.method ?? '', path });
    const text = await readBody(req);
    if (host === TOKEN_HOST && req.method === 'POST' && path === '/v1/oauth/token') {
      const grant: TokenGrant = { fields: parseFields(text, req.headers['content-type']), at: Date.now() };
      this.grants.push(grant);
      const { status, body } = await this.answer(grant);
      return sendJson(res, status, body);
    }
    if (host === API_HOST && req.method === 'GET' && path === '/api/oauth/profile') {
      const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (this.revokedAccessTokens.has(bearer)) {
        return sendJson(res, 401, { type: 'error', error: { type: 'authentication_error', message: 'OAuth token has been revoked.' } });
      }
      return sendJson(res, 200, {
        account: {
          uuid: 'acc00000-0000-4000-8000-000000000001',
          email: 'tester@example.com',
          display_name: 'Tester',
          has_claude_max: true,
          has_claude_pro: false,
        },
        organization: {
          uuid: 'org00000-0000-4000-8000-000000000001',
          organization_type: 'claude_max',
          rate_limit_tier: 'default_claude_max_20x',
        },
      });
    }
    // A path these tests do not play: a clear 404, and `requests` shows it.
    return sendJson(res, 404, { type: 'error', error: { type: 'not_found_error', message: `Not played by the test proxy: ${path}` } });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function parseFields(text: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { unparsed: text };
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}
