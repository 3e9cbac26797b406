import { GatewayError } from '../common/errors/gateway-error.js';
import { CredentialRefusal } from './credential-refusal.js';
import type { UpstreamCredential } from './upstream-auth.js';

/** What the SDK throws for an upstream 401 (an APIError with its status). */
const upstream401 = () => Object.assign(new Error('invalid x-api-key'), { status: 401 });

/** A call that answers each secret as listed: a value, or an error to throw. */
function upstream(answers: Record<string, unknown>) {
  const sent: string[] = [];
  const call = async (secret: string) => {
    sent.push(secret);
    const answer = answers[secret];
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { sent, call };
}

const refusal = new CredentialRefusal();

it.each(['api-key', 'oauth-token'] as const)('a 401 to a fixed %s is upstream\'s own error, with no second call', async (kind) => {
  const credential: UpstreamCredential = { kind, name: 'team', fixed: () => 'fixed' };
  const refused = upstream401();
  const { sent, call } = upstream({ fixed: refused });
  await expect(refusal.send(credential, call)).rejects.toBe(refused);
  expect(sent).toEqual(['fixed']);
});

describe('a Claude Code login', () => {
  function login(tokens: string[], onRenewal: () => void = () => undefined) {
    const refusedTokens: string[] = [];
    const credential: UpstreamCredential = {
      kind: 'claude-login',
      name: 'laptop',
      secret: async () => {
        if (refusedTokens.includes(tokens[0])) {
          onRenewal();
          tokens.shift();
          if (tokens.length === 0) throw new GatewayError(401, 'The login could not be renewed: sign in again.');
        }
        return tokens[0];
      },
      refused: (token) => refusedTokens.push(token),
    };
    return { credential, refusedTokens };
  }

  it('a 401 sets the token aside, renews once and tries once more', async () => {
    let renewals = 0;
    const { credential, refusedTokens } = login(['old', 'new'], () => renewals++);
    const { sent, call } = upstream({ old: upstream401(), new: 'answer' });
    await expect(refusal.send(credential, call)).resolves.toBe('answer');
    expect(sent).toEqual(['old', 'new']);
    expect(refusedTokens).toEqual(['old']);
    expect(renewals).toBe(1);
  });

  it('a second 401 is final: two calls, one renewal', async () => {
    let renewals = 0;
    const { credential } = login(['old', 'new', 'newer'], () => renewals++);
    const { sent, call } = upstream({ old: upstream401(), new: upstream401() });
    await expect(refusal.send(credential, call)).rejects.toMatchObject({ status: 401 });
    expect(sent).toEqual(['old', 'new']);
    expect(renewals).toBe(1);
  });

  it('a login that cannot be renewed answers its own 401, without a second call', async () => {
    const { credential } = login(['old']);
    const { sent, call } = upstream({ old: upstream401() });
    await expect(refusal.send(credential, call)).rejects.toThrow('sign in again');
    expect(sent).toEqual(['old']);
  });
});

it('errors other than a 401, and our own 401s, pass through untouched', async () => {
  const credential: UpstreamCredential = { kind: 'claude-login', name: 'laptop', secret: async () => 't', refused: () => undefined };
  const ours = new GatewayError(401, 'ours');
  const overloaded = Object.assign(new Error('overloaded'), { status: 529 });
  for (const error of [ours, overloaded]) {
    const { sent, call } = upstream({ t: error });
    await expect(refusal.send(credential, call)).rejects.toBe(error);
    expect(sent).toEqual(['t']);
  }
});

describe('a credential the SDK exchanges (workload identity, an SDK profile)', () => {
  /** A token cache: `refused` empties it, and the next secret is a freshly exchanged token. */
  function sdk(issued: Array<string | Error>) {
    let held: string | null = null;
    const exchanges: string[] = [];
    const refused: string[] = [];
    const credential: UpstreamCredential = {
      kind: 'sdk',
      name: 'wif',
      secret: async () => {
        if (held === null) {
          const next = issued.shift()!;
          if (next instanceof Error) throw next;
          exchanges.push(next);
          held = next;
        }
        return held;
      },
      refused: async (token) => {
        refused.push(token);
        if (held === token) held = null;
      },
      state: async () => ({ usable: held !== null, lastExchange: null }),
    };
    return { credential, exchanges, refused };
  }

  it('a 401 empties the cache and tries once more with a freshly exchanged token', async () => {
    const { credential, exchanges, refused } = sdk(['first', 'second']);
    const { sent, call } = upstream({ first: upstream401(), second: 'answer' });
    await expect(refusal.send(credential, call)).resolves.toBe('answer');
    expect(sent).toEqual(['first', 'second']);
    expect(refused).toEqual(['first']);
    expect(exchanges).toEqual(['first', 'second']);
  });

  it('a second 401 is final: two calls, one new exchange', async () => {
    const { credential, exchanges } = sdk(['first', 'second', 'third']);
    const second = upstream401();
    const { sent, call } = upstream({ first: upstream401(), second });
    await expect(refusal.send(credential, call)).rejects.toBe(second);
    expect(sent).toEqual(['first', 'second']);
    expect(exchanges).toEqual(['first', 'second']);
  });

  it('an exchange that fails after the 401 is its own error, with no second call', async () => {
    const failed = new GatewayError(401, "Anthropic's token endpoint rejected the token exchange.", { code: 'credentials_unavailable' });
    const { credential } = sdk(['first', failed]);
    const { sent, call } = upstream({ first: upstream401() });
    await expect(refusal.send(credential, call)).rejects.toBe(failed);
    expect(sent).toEqual(['first']);
  });
});
