import { Logger } from '@nestjs/common';
import { GatewayError } from '../common/errors/gateway-error.js';
import { ClientStalledError, type SseWriter } from './sse-writer.js';
import { openStream, type RelayContext } from './stream-relay.js';

/** Just what openStream uses of a writer, recording how it was ended. */
function fakeWriter(options: { openThrows?: boolean } = {}) {
  const log = { opened: false, ended: [] as boolean[] };
  const sse = {
    open: () => {
      if (options.openThrows) throw new TypeError('Invalid character in header content');
      log.opened = true;
    },
    end: (completed: boolean) => log.ended.push(completed),
  } as unknown as SseWriter;
  return { sse, log };
}

function context(overrides: Partial<RelayContext> = {}) {
  const calls = { cancel: 0, opened: 0 };
  const ctx: RelayContext = {
    headers: {},
    cancel: () => calls.cancel++,
    onOpened: () => calls.opened++,
    signal: new AbortController().signal,
    logger: new Logger('test'),
    ...overrides,
  };
  return { ctx, calls };
}

async function* items(...values: Array<number | Error>) {
  for (const value of values) {
    if (value instanceof Error) throw value;
    yield value;
  }
}

beforeAll(() => Logger.overrideLogger(false));
afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

it('ends a completed stream as completed, once', async () => {
  const { sse, log } = fakeWriter();
  const { ctx, calls } = context();
  const written: number[] = [];
  await openStream(items(1, 2), sse, { write: async (n) => void written.push(n), fail: async () => undefined }, ctx);
  expect(written).toEqual([1, 2]);
  expect(log.ended).toEqual([true]);
  expect(calls).toEqual({ cancel: 0, opened: 1 });
});

// Synchronously: a request handler that does not await the relay still sees the failure.
it('throws at once when the response cannot even be opened, stops upstream, and reads no event', () => {
  const { sse } = fakeWriter({ openThrows: true });
  const { ctx, calls } = context();
  let read = false;
  async function* untouched() {
    read = true;
    yield 1;
  }
  expect(() => openStream(untouched(), sse, { write: async () => undefined, fail: async () => undefined }, ctx)).toThrow('Invalid character');
  expect(calls).toEqual({ cancel: 1, opened: 0 });
  expect(read).toBe(false);
});

it('sends a failure in-band, and still ends the writer when that write meets a stalled client', async () => {
  const { sse, log } = fakeWriter();
  const { ctx } = context();
  const failed: GatewayError[] = [];
  await openStream(
    items(1, new GatewayError(502, 'upstream broke')),
    sse,
    {
      write: async () => undefined,
      fail: async (error) => {
        failed.push(error);
        throw new ClientStalledError(10);
      },
    },
    ctx,
  );
  expect(failed.map((e) => e.status)).toEqual([502]);
  expect(log.ended).toEqual([false]);
});

it('tells nobody when the client is gone, and ends the writer', async () => {
  const { sse, log } = fakeWriter();
  const aborted = new AbortController();
  aborted.abort();
  const { ctx } = context({ signal: aborted.signal });
  let told = false;
  await openStream(items(new Error('aborted')), sse, { write: async () => undefined, fail: async () => void (told = true) }, ctx);
  expect(told).toBe(false);
  expect(log.ended).toEqual([false]);
});

describe('openStream, for request handlers', () => {
  it('returns as soon as the stream is open, while it is still running, and ends it later', async () => {
    const { sse, log } = fakeWriter();
    const { ctx, calls } = context();
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    async function* holding() {
      yield 1;
      await held;
      yield 2;
    }
    const written: number[] = [];
    // Nothing awaited: a handler that waited for the end would hold its frames for the stream's life.
    const ended = openStream(holding(), sse, { write: async (n) => void written.push(n), fail: async () => undefined }, ctx);
    expect(log.opened).toBe(true);
    expect(calls.opened).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toEqual([1]);
    expect(log.ended).toEqual([]);
    release();
    await ended;
    expect(written).toEqual([1, 2]);
    expect(log.ended).toEqual([true]);
  });

  it('never rejects once open, even when ending the writer throws', async () => {
    const { ctx } = context();
    const sse = { open: () => undefined, end: () => { throw new Error('socket gone'); } } as unknown as SseWriter;
    await expect(openStream(items(1), sse, { write: async () => undefined, fail: async () => undefined }, ctx)).resolves.toBeUndefined();
  });
});
