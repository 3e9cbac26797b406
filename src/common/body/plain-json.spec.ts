import { describe, expect, it } from '@jest/globals';
import { isParsedBody, isProtoKeyFree, markParsedBody, provesNoProtoKeys } from './plain-json.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('provesNoProtoKeys', () => {
  it('proves a body that names none of the keys and has no \\u escape', () => {
    expect(provesNoProtoKeys(bytes('{"a":[{"b":"é"}],"c":"proto"}'))).toBe(true);
    expect(provesNoProtoKeys(new Uint8Array(bytes('{"a":1}')))).toBe(true);
  });

  it.each(['{"__proto__":{}}', '{"a":{"prototype":1}}', '{"constructor":1}', '{"\\u0063onstructor":1}', '{"a":"\\u00e9"}', '{"a":"a constructor"}'])(
    'proves nothing for %s',
    (text) => {
      expect(provesNoProtoKeys(bytes(text))).toBe(false);
    },
  );
});

describe('parsed-body marks', () => {
  it('are kept per object, and only for objects', () => {
    const free = {};
    const unproven = {};
    markParsedBody(free, true);
    markParsedBody(unproven, false);
    markParsedBody('text', true);
    expect([isParsedBody(free), isProtoKeyFree(free)]).toEqual([true, true]);
    expect([isParsedBody(unproven), isProtoKeyFree(unproven)]).toEqual([true, false]);
    expect([isParsedBody({}), isProtoKeyFree({})]).toEqual([false, false]);
    expect([isParsedBody('text'), isProtoKeyFree('text')]).toEqual([false, false]);
  });
});
