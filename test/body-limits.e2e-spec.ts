import { gzipSync } from 'node:zlib';
import { postRaw, useGateway } from './support/lifecycle.js';
import { slowestLivenessDuring } from './support/liveness.js';

const ctx = useGateway({ JSON_MAX_ITEMS: '2000' });
const valid = { model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: 'hi' }] };
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('JSON bodies are bounded while they are read', () => {
  it('a body nested deeper than JSON_MAX_DEPTH is a 400 naming the limit (it was a 500 at 2,366 levels)', async () => {
    for (const depth of [65, 2366]) {
      const res = await postRaw(ctx.gw.url, JSON.stringify({ ...valid, extra: 0 }).replace('0}', `${nested(depth)}}`));
      expect(res.status).toBe(400);
      expect(res.json.error).toEqual({
        message: 'The JSON body is nested deeper than 64 levels (JSON_MAX_DEPTH).',
        type: 'invalid_request_error',
        param: null,
        code: 'json_too_complex',
      });
    }
    expect(ctx.gw.logs.text).not.toMatch(/internal_error|TypeError|RangeError/);
    expect(ctx.standIn.requests).toHaveLength(0);
  });

  it('64 levels are still accepted', async () => {
    const res = await postRaw(ctx.gw.url, JSON.stringify({ ...valid, extra: 0 }).replace('0}', `${nested(62)}}`));
    expect(res.status).toBe(200);
  });

  it('a body with more items than JSON_MAX_ITEMS is a 400 naming the limit', async () => {
    const res = await postRaw(ctx.gw.url, JSON.stringify({ ...valid, extra: new Array(2500).fill(0) }));
    expect(res.status).toBe(400);
    expect(res.json.error.message).toBe('The JSON body has more than 2000 array elements and object members in all (JSON_MAX_ITEMS).');
  });

  it('a 4 MB nested body is rejected without stalling the process: liveness keeps answering', async () => {
    const slowest = await slowestLivenessDuring(
      ctx.gw.url,
      async () => {
        const res = await postRaw(ctx.gw.url, nested(2_000_000));
        expect(res.json.error.code).toBe('json_too_complex');
      },
      20,
    );
    // Before the bound, parsing and walking this body blocked the event loop for seconds.
    expect(slowest).toBeLessThan(1000);
  }, 30_000);

  it('a gzip body that is not gzip gets a clear 400, not zlib\'s message', async () => {
    const res = await postRaw(ctx.gw.url, JSON.stringify(valid), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_content_encoding' });
    expect(res.json.error.message).toMatch(/does not match its Content-Encoding/);
    expect(res.text).not.toMatch(/header check|zlib/i);
  });

  it('a real gzip body is read', async () => {
    const res = await fetch(`${ctx.gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(valid)),
    });
    expect(res.status).toBe(200);
  });

  it('an unknown Content-Encoding is a 415', async () => {
    const res = await postRaw(ctx.gw.url, JSON.stringify(valid), { 'content-type': 'application/json', 'content-encoding': 'snappy' });
    expect(res.status).toBe(415);
    expect(res.json.error.code).toBe('unsupported_content_encoding');
  });
});
