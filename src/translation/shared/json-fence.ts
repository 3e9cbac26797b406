/**
 * Takes a Markdown code fence off a JSON answer as it streams: JSON mode is an
 * instruction upstream (json-schema.ts), and a model that wraps its object in
 * ```json … ``` anyway must not break a client's JSON.parse. Text is held back
 * only while it may still turn out to be part of a fence. A reducer; no I/O.
 */
export interface FenceState {
  /** head: deciding whether the answer opens with a fence; fenced: inside one; plain: no fence. */
  phase: 'head' | 'fenced' | 'plain';
  held: string;
}

export function createFenceState(): FenceState {
  return { phase: 'head', held: '' };
}

const OPENING = '```';
/** The longest tail that could still be (the start of) a closing fence. */
const CLOSING_TAIL = /\n?`{0,3}\s*$/;

/** The text to pass on now for this piece of the answer. */
export function pushFenced(state: FenceState, text: string): string {
  if (state.phase === 'plain') return text;
  state.held += text;
  if (state.phase === 'head') {
    const start = state.held.trimStart();
    if (start.length < OPENING.length && OPENING.startsWith(start)) return '';
    if (!start.startsWith(OPENING)) {
      state.phase = 'plain';
      return take(state, state.held.length);
    }
    const newline = start.indexOf('\n');
    if (newline < 0) return '';
    state.phase = 'fenced';
    state.held = start.slice(newline + 1);
  }
  return take(state, CLOSING_TAIL.exec(state.held)?.index ?? state.held.length);
}

/** At the end of the answer: what was held back, without the closing fence. */
export function endFenced(state: FenceState): string {
  const rest = state.phase === 'fenced' ? state.held.replace(/\n?```\s*$/, '') : state.held;
  state.held = '';
  return rest;
}

function take(state: FenceState, upTo: number): string {
  const out = state.held.slice(0, upTo);
  state.held = state.held.slice(upTo);
  return out;
}
