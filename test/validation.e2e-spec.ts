import { postRaw, useGateway } from './support/lifecycle.js';

const ctx = useGateway({ BODY_LIMIT: '64kb' });
const valid = { model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: 'hi' }] };
const post = (body: unknown) => postRaw(ctx.gw.url, JSON.stringify(body));

function expectOpenAIError(res: { status: number; json: any }, status: number, param: string | null) {
  expect(res.status).toBe(status);
  expect(Object.keys(res.json)).toEqual(['error']);
  expect(Object.keys(res.json.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(res.json.error.param).toBe(param);
  expect(typeof res.json.error.message).toBe('string');
}

describe('bad input gets a clear 400 and reaches nobody upstream', () => {
  it('malformed JSON', async () => {
    const res = await postRaw(ctx.gw.url, '{"model": "x", "messages": [');
    expectOpenAIError(res, 400, null);
    expect(res.json.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json' });
    expect(res.json.error.message).toMatch(/could not parse the JSON body/);
  });

  it.each([
    ['missing model', { messages: valid.messages }, 'model'],
    ['model of the wrong type', { ...valid, model: 42 }, 'model'],
    ['messages not an array', { ...valid, messages: 'hi' }, 'messages'],
    ['empty messages', { ...valid, messages: [] }, 'messages'],
    ['unknown role', { ...valid, messages: [{ role: 'wizard', content: 'x' }] }, 'messages[0].role'],
    ['content of the wrong type', { ...valid, messages: [{ role: 'user', content: 42 }] }, 'messages[0].content'],
    ['unknown content part', { ...valid, messages: [{ role: 'user', content: [{ type: 'video', x: 1 }] }] }, 'messages[0].content'],
    ['tool message without tool_call_id', { ...valid, messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id'],
    ['tool call without function', { ...valid, messages: [{ role: 'assistant', tool_calls: [{ id: 'a', type: 'function' }] }] }, 'messages[0].tool_calls[0].function'],
    ['temperature out of range', { ...valid, temperature: 3 }, 'temperature'],
    ['max_tokens not an integer', { ...valid, max_tokens: '100' }, 'max_tokens'],
    ['max_tokens zero', { ...valid, max_tokens: 0 }, 'max_tokens'],
    ['stream not a boolean', { ...valid, stream: 'yes' }, 'stream'],
    ['stop of numbers', { ...valid, stop: [1, 2] }, 'stop'],
    ['tool of the wrong type', { ...valid, tools: [{ type: 'retrieval' }] }, 'tools[0].type'],
    ['bad tool_choice', { ...valid, tool_choice: 'sometimes' }, 'tool_choice'],
    ['only a system message', { ...valid, messages: [{ role: 'system', content: 'be nice' }] }, 'messages'],
  ])('%s', async (_name, body, param) => {
    const res = await post(body);
    expectOpenAIError(res, 400, param);
    expect(res.json.error.type).toBe('invalid_request_error');
    expect(res.json.error.message).toContain(param);
    expect(ctx.standIn.requests).toHaveLength(0);
  });

  it('a JSON body that is not an object', async () => {
    for (const body of ['[]', '"hello"', 'null', '42']) {
      const res = await postRaw(ctx.gw.url, body);
      expect(res.status).toBe(400);
      expect(res.json.error.type).toBe('invalid_request_error');
    }
  });

  it('an oversized body gets 413, and the gateway keeps serving', async () => {
    const res = await post({ ...valid, messages: [{ role: 'user', content: 'x'.repeat(100 * 1024) }] });
    expectOpenAIError(res, 413, null);
    expect(res.json.error.code).toBe('request_too_large');
    expect((await post(valid)).status).toBe(200);
  });

  it('an unknown route is a 404 in OpenAI shape', async () => {
    const res = await fetch(`${ctx.gw.url}/v1/completions`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).error.type).toBe('not_found_error');
  });
});

describe('no input makes the gateway fail', () => {
  /** Small deterministic PRNG so a failure reproduces. */
  function rng(seed: number) {
    return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  }
  const weird = [null, 0, -1, 1.5, '', 'x', true, [], {}, [null], [{}], { type: 'text' }, [{ type: 'text', text: 1 }]];

  it('answers 200 or 4xx, never 5xx, to 300 mutated requests', async () => {
    const random = rng(42);
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
    const base = () => ({
      model: 'claude-sonnet-5-5',
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image_url', image_url: { url: 'https://x/y.png' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c', content: 'r' },
      ],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      tool_choice: 'auto',
      stop: ['x'],
      max_tokens: 10,
    });
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const body: any = base();
      // Walk to a random object/array inside the body and replace one of its values.
      let target: any = body;
      for (let depth = 0; depth < 4; depth++) {
        const keys = Object.keys(target);
        const next = target[pick(keys)];
        if (next && typeof next === 'object' && random() < 0.7) target = next;
        else break;
      }
      target[pick(Object.keys(target))] = pick(weird);
      const res = await postRaw(ctx.gw.url, JSON.stringify(body));
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) throw new Error(`5xx for ${JSON.stringify(body)}: ${res.text}`);
      expect(res.json.error ?? res.json.choices).toBeDefined();
    }
    expect(statuses.get(400)).toBeGreaterThan(50);
  }, 60_000);
});

describe('content type', () => {
  it('a form-encoded body gets a 415 that says to send JSON', async () => {
    const res = await postRaw(ctx.gw.url, 'model=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
    expect(res.json.error).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_media_type' });
    expect(res.json.error.message).toMatch(/Content-Type: application\/json/);
    expect(ctx.standIn.requests).toHaveLength(0);
  });
});
