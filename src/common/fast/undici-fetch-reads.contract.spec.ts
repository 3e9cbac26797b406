/**
 * What undici-fetch.ts relies on in the Anthropic SDK: that it reads only
 * the members of a fetch Response (and of its headers) that UndiciResponse
 * has. Each member the SDK reads is recorded over a JSON answer, a stream
 * and an error; one the transport lacks fails here with its name and the
 * fix, not as a TypeError in a request. (undici-fetch.contract.spec.ts
 * checks the behaviour; this names the member.)
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { AnthropicStandIn, errorReply, jsonReply, sseReply } from '../../../test/support/anthropic-stand-in.js';
import { type Piece, reliesOn } from '../../../test/support/library-internal.js';
import { createUndiciFetch, type UndiciFetch } from './undici-fetch.js';

const piece: Piece = { file: 'undici-fetch.ts', plain: "no `fetch` option: the SDK on Node's built-in fetch" };
const params = { model: 'claude-sonnet-5-5', max_tokens: 64, messages: [{ role: 'user' as const, content: 'hi' }] };

let standIn: AnthropicStandIn;
let transport: UndiciFetch;
/** What the SDK read, as `response.x` and `headers.x`, with whether the transport's object has it. */
const reads = new Map<string, boolean>();

/** `target`, noting each member read of it; methods run on `target` itself (ResponseHeaders keeps its fields private). */
function watched<T extends object>(target: T, kind: string): T {
  return new Proxy(target, {
    get(object, key) {
      // `then` is read by `await` on any value, not by the SDK.
      if (typeof key === 'string' && key !== 'then') reads.set(`${kind}.${key}`, key in object);
      const value = Reflect.get(object, key, object) as unknown;
      if (key === 'headers' && value && typeof value === 'object') return watched(value, 'headers');
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
  });
}

beforeAll(async () => {
  standIn = await AnthropicStandIn.start();
  transport = createUndiciFetch();
  const fetch = (async (...args: Parameters<typeof globalThis.fetch>) => watched(await transport.fetch(...args), 'response')) as typeof globalThis.fetch;
  const client = new Anthropic({ apiKey: 'sk-ant-api03-contract-0000000000', baseURL: standIn.url, fetch, maxRetries: 0 });
  standIn.reply(jsonReply({ text: 'ok' }), sseReply({ text: 'streamed' }), errorReply(429, 'rate_limit_error', 'slow down', { 'retry-after': '7' }));
  await client.messages.create(params);
  for await (const _ of await client.messages.create({ ...params, stream: true })) void _;
  await client.messages.create(params).catch(() => undefined);
});

afterAll(async () => {
  await transport.close();
  await standIn.close();
});

it('the SDK reads members of a Response, and of its headers, that the transport has', async () => {
  expect(reads.size).toBeGreaterThan(3);
  const missing = [...reads].filter(([, present]) => !present).map(([name]) => name);
  await reliesOn(
    piece,
    `the Anthropic SDK reads only status, ok, headers, body and the like of a fetch Response; it now also reads ${missing.join(', ')}, which UndiciResponse / ResponseHeaders lack`,
    () => missing.length === 0,
  );
});
