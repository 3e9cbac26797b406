import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnthropicStandIn } from './anthropic-stand-in.js';
import { type Gateway, startGateway } from './gateway.js';
import { type FederationRule, identityToken, TokenEndpoint } from './token-endpoint.js';

export const RULE: FederationRule = { ruleId: 'fdrl_01standinrule', organizationId: 'org_01standin' };

/** One workload-identity test's surroundings: see `useFederationWorld`. */
export interface FederationWorld {
  standIn: AnthropicStandIn;
  endpoint: TokenEndpoint;
  /** A fresh directory per test, removed after it. */
  dir: string;
  /** Where the projected identity token is, as a kubelet would write it. */
  tokenFile: string;
  gw: Gateway | undefined;
  /** Every identity token written to the file, for the checks that none leaks. */
  written: string[];
  /** Writes a new identity token into the file, trusted by the rule unless told otherwise; returns it. */
  rotate(options?: { trusted?: boolean }): Promise<string>;
  /** The gateway on workload identity alone: no API key, no token, no login. */
  start(env?: Record<string, string | undefined>): Promise<Gateway>;
}

/**
 * One stand-in (Messages and the token endpoint on one host, as at
 * api.anthropic.com) per test file; a fresh identity token file, rule and
 * gateway per test. Messages accepts only the access tokens the endpoint issued, until they expire.
 */
export function useFederationWorld(rule: FederationRule = RULE): FederationWorld {
  const world = {
    async rotate(options: { trusted?: boolean } = {}) {
      const jwt = identityToken();
      if (options.trusted !== false) world.endpoint.trusted.add(jwt);
      world.written.push(jwt);
      await writeFile(world.tokenFile, jwt);
      return jwt;
    },
    async start(env: Record<string, string | undefined> = {}) {
      world.gw = await startGateway(world.standIn, {
        ANTHROPIC_API_KEY: undefined,
        ANTHROPIC_FEDERATION_RULE_ID: rule.ruleId,
        ANTHROPIC_ORGANIZATION_ID: rule.organizationId,
        ANTHROPIC_IDENTITY_TOKEN_FILE: world.tokenFile,
        ...(rule.workspaceId ? { ANTHROPIC_WORKSPACE_ID: rule.workspaceId } : {}),
        // Nothing of the developer's own: no login, no SDK profile.
        HOME: world.dir,
        CLAUDE_CONFIG_DIR: join(world.dir, '.claude'),
        ...env,
      });
      return world.gw;
    },
  } as FederationWorld;
  beforeAll(async () => {
    world.standIn = await AnthropicStandIn.start();
  });
  beforeEach(async () => {
    world.standIn.reset();
    world.endpoint = new TokenEndpoint(rule);
    world.standIn.tokenEndpoint = world.endpoint.handle;
    world.standIn.auth = { issuedTokens: world.endpoint.verdict };
    world.dir = await mkdtemp(join(tmpdir(), 'wif-'));
    world.tokenFile = join(world.dir, 'token');
    world.written = [];
    await world.rotate();
  });
  afterEach(async () => {
    await world.gw?.close();
    world.gw = undefined;
    await rm(world.dir, { recursive: true, force: true });
  });
  afterAll(() => world.standIn.close());
  return world;
}

/** The Messages calls the stand-in received (not the exchanges). */
export const messageCalls = (standIn: AnthropicStandIn) => standIn.requests.filter((r) => r.path.startsWith('/v1/messages'));
