import { useGateway } from './support/lifecycle.js';

/**
 * `__proto__`, `prototype` and `constructor` keys are deleted from a body at
 * any depth before it is validated (Nest's guard against prototype
 * pollution). The pipe skips that walk only for a body whose bytes prove
 * there is no such key (src/common/body/plain-json.ts): these spell the keys
 * every way JSON allows and check none gets through.
 */
const ctx = useGateway();

/** A tool whose JSON schema has `key` among its properties, sent as raw JSON text with `key` spelled as given. */
function bodyWithProperty(spelledKey: string): string {
  return (
    '{"model":"claude-sonnet-5-5","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":' +
    `{"name":"lookup","parameters":{"type":"object","properties":{"city":{"type":"string"},"${spelledKey}":{"type":"string"}}}}}]}`
  );
}

async function post(body: Buffer | string, contentType = 'application/json') {
  const res = await fetch(`${ctx.gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': contentType }, body });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
  return ctx.standIn.last.body.tools[0].input_schema.properties as Record<string, unknown>;
}

describe('prototype keys never reach past validation', () => {
  it.each([
    ['__proto__', '__proto__'],
    ['prototype', 'prototype'],
    ['constructor', 'constructor'],
    ['one letter escaped', '\\u0063onstructor'],
    ['every letter escaped', '\\u0070\\u0072\\u006f\\u0074\\u006f\\u0074\\u0079\\u0070\\u0065'],
  ])('%s', async (_name, spelled) => {
    const properties = await post(bodyWithProperty(spelled));
    expect(Object.keys(properties)).toEqual(['city']);
  });

  it('in a UTF-16 body too, whose bytes do not spell the names in ASCII', async () => {
    const properties = await post(Buffer.from(bodyWithProperty('constructor'), 'utf16le'), 'application/json; charset=utf-16le');
    expect(Object.keys(properties)).toEqual(['city']);
  });

  it('a body without them is passed on whole', async () => {
    const properties = await post(bodyWithProperty('country'));
    expect(Object.keys(properties)).toEqual(['city', 'country']);
  });
});

/**
 * Keys named like `Object.prototype`'s members are ordinary JSON schema
 * property names; class-transformer's copy of a plain object drops them, so
 * every field that carries a schema keeps its parsed value (src/common/validation/verbatim.ts).
 */
describe('property names like toString or hasOwnProperty reach upstream whole', () => {
  const schema = {
    type: 'object',
    properties: { toString: { type: 'string' }, hasOwnProperty: { type: 'string' }, valueOf: { type: 'number' } },
    required: ['toString', 'hasOwnProperty', 'valueOf'],
    additionalProperties: false,
  };
  const names = ['toString', 'hasOwnProperty', 'valueOf'];
  const send = async (path: string, body: object) => {
    const res = await fetch(`${ctx.gw.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    return ctx.standIn.last.body as {
      tools?: Array<{ input_schema: { properties: object } }>;
      output_config?: { format?: { schema: { properties: object } } };
    };
  };
  const chat = { model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: 'hi' }] };

  it('in a chat tool', async () => {
    const sent = await send('/v1/chat/completions', { ...chat, tools: [{ type: 'function', function: { name: 'f', parameters: schema } }] });
    expect(Object.keys(sent.tools![0].input_schema.properties)).toEqual(names);
  });

  it('in a legacy function', async () => {
    const sent = await send('/v1/chat/completions', { ...chat, functions: [{ name: 'f', parameters: schema }] });
    expect(Object.keys(sent.tools![0].input_schema.properties)).toEqual(names);
  });

  it('in a chat response_format', async () => {
    const sent = await send('/v1/chat/completions', { ...chat, response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } } });
    expect(Object.keys(sent.output_config!.format!.schema.properties)).toEqual(names);
  });

  it('in a Responses tool', async () => {
    const sent = await send('/v1/responses', { model: 'claude-sonnet-5-5', input: 'hi', tools: [{ type: 'function', name: 'f', parameters: schema }] });
    expect(Object.keys(sent.tools![0].input_schema.properties)).toEqual(names);
  });

  it('in a Responses text format', async () => {
    const sent = await send('/v1/responses', {
      model: 'claude-sonnet-5-5',
      input: 'hi',
      text: { format: { type: 'json_schema', name: 'answer', schema } },
    });
    expect(Object.keys(sent.output_config!.format!.schema.properties)).toEqual(names);
  });
});
