import { createFenceState, endFenced, pushFenced } from './json-fence.js';

/** Feeds the pieces and returns what was passed on, piece by piece, then at the end. */
function run(pieces: string[]) {
  const state = createFenceState();
  const out = pieces.map((p) => pushFenced(state, p));
  return { out, end: endFenced(state) };
}

describe('pushFenced / endFenced', () => {
  it.each<[string[], string]>([
    [['{"a":', ' 1}'], '{"a": 1}'],
    [['```json\n{"a": 1}\n```'], '{"a": 1}'],
    [['`', '``', 'json', '\n{"a"', ': 1}\n', '``', '`\n'], '{"a": 1}'],
    [['  ```\n[1, 2]\n```  '], '[1, 2]'],
    [['Sure: {"a": 1}'], 'Sure: {"a": 1}'],
    [['`x`'], '`x`'],
    [['{\n  "a": 1\n}\n'], '{\n  "a": 1\n}\n'],
  ])('%j → %j', (pieces, expected) => {
    const { out, end } = run(pieces);
    expect(out.join('') + end).toBe(expected);
  });

  it('passes unfenced text on at once, and fenced text as soon as it cannot be the closing fence', () => {
    expect(run(['{"a":', ' 1}']).out).toEqual(['{"a":', ' 1}']);
    expect(run(['```json\n{"a":', ' 1}\n', '```'])).toEqual({ out: ['{"a":', ' 1}', ''], end: '' });
  });
});
