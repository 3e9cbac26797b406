import { SchemaError, toUpstreamSchema } from './json-schema.js';

describe('toUpstreamSchema', () => {
  it('takes a zod-to-json-schema / LangChain schema: drops $schema, closes objects, moves minLength into the description', () => {
    const out = toUpstreamSchema({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { name: { type: 'string', minLength: 1, description: 'Name' }, email: { type: 'string', format: 'email' } },
      required: ['name'],
      additionalProperties: false,
    });
    expect(out).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string', description: 'Name\n\n{minLength: 1}' },
        email: { type: 'string', format: 'email' },
      },
      required: ['name'],
      additionalProperties: false,
    });
  });

  it('takes a pydantic schema: title, $defs and $ref, unsupported formats and bounds', () => {
    const out = toUpstreamSchema({
      title: 'Order',
      type: 'object',
      properties: {
        items: { title: 'Items', type: 'array', items: { $ref: '#/$defs/Item' }, minItems: 2 },
        site: { type: 'string', format: 'uri-reference' },
      },
      required: ['items'],
      $defs: { Item: { title: 'Item', type: 'object', properties: { qty: { type: 'integer', maximum: 9 } }, required: ['qty'] } },
    });
    expect(out).toMatchObject({
      title: 'Order',
      $defs: { Item: { additionalProperties: false, properties: { qty: { type: 'integer', description: '{maximum: 9}' } } } },
      properties: {
        items: { items: { $ref: '#/$defs/Item' }, description: '{minItems: 2}' },
        site: { type: 'string', description: '{format: "uri-reference"}' },
      },
      additionalProperties: false,
    });
  });

  it('reports a schema it cannot take', () => {
    expect(() => toUpstreamSchema({ properties: {} })).toThrow(SchemaError);
  });
});
