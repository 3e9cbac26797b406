import { checkJsonShape, JsonShapeError } from './json-shape.js';

const limits = { maxDepth: 4, maxItems: 6 };
const check = (text: string, l = limits) => () => checkJsonShape(Buffer.from(text), l);
const limitOf = (text: string, l = limits) => {
  try {
    checkJsonShape(Buffer.from(text), l);
    return null;
  } catch (error) {
    return error instanceof JsonShapeError ? error.limit : error;
  }
};

describe('checkJsonShape', () => {
  it.each([
    '{"a":[1,{"b":[2]}]}',
    '[[[[]]]]',
    '"[[[[[[[["',
    '{"s":"\\"[[[[[[\\\\","t":"}}]]"}',
    '[1,2,3,4,5,6]',
    '{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6}',
    '[ ]',
    '',
    '{"emoji":"👩‍💻[[[[[[","x":[1]}',
  ])('lets %s through', (text) => {
    expect(check(text)).not.toThrow();
  });

  it.each([
    ['[[[[[]]]]]', 'JSON_MAX_DEPTH'],
    ['{"a":{"b":{"c":{"d":{}}}}}', 'JSON_MAX_DEPTH'],
    ['[1,2,3,4,5,6,7]', 'JSON_MAX_ITEMS'],
    ['{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7}', 'JSON_MAX_ITEMS'],
    // Counted across the body, not per container.
    ['[[1,2],[3,4],[5]]', 'JSON_MAX_ITEMS'],
  ])('rejects %s as past %s', (text, limit) => {
    expect(limitOf(text)).toBe(limit);
  });

  it('names the limit and its value in the message', () => {
    expect(check('[[[[[[')).toThrow('nested deeper than 4 levels (JSON_MAX_DEPTH)');
    expect(check('[1,1,1,1,1,1,1]')).toThrow('more than 6 array elements and object members in all (JSON_MAX_ITEMS)');
  });

  it('stops at the first byte past the limit, however long the rest is', () => {
    // Unbalanced on purpose: a body that is all openings is rejected at level 65, not read to the end.
    const body = Buffer.alloc(50 * 1024 * 1024, '[');
    expect(() => checkJsonShape(body, { maxDepth: 64, maxItems: 100_000 })).toThrow('JSON_MAX_DEPTH');
  });

  it('leaves malformed JSON to the parser', () => {
    expect(check(']]]]]],,,,,{')).not.toThrow();
  });
});
