import { legacyCallId, TOOL_ID_PATTERN, toUpstreamToolId } from './tool-ids.js';

describe('toUpstreamToolId', () => {
  it.each(['toolu_01ABC', 'call_abc-123', 'x'])('keeps %s, which upstream accepts', (id) => {
    expect(toUpstreamToolId(id)).toBe(id);
  });

  it.each(['functions.get_weather:0', 'call:abc', 'tool use/1', 'ü'])('maps %s to an accepted id, the same every time', (id) => {
    const mapped = toUpstreamToolId(id);
    expect(mapped).toMatch(TOOL_ID_PATTERN);
    expect(toUpstreamToolId(id)).toBe(mapped);
  });

  it('keeps ids apart that differ only in invalid characters', () => {
    expect(toUpstreamToolId('a:b')).not.toBe(toUpstreamToolId('a.b'));
  });

  it('gives legacy calls an accepted id', () => {
    expect(legacyCallId(3)).toMatch(TOOL_ID_PATTERN);
  });
});
