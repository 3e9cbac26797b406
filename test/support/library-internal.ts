/**
 * For the contract specs of src/common/fast/: each piece there relies on a
 * library's internals, and its spec states each internal with `reliesOn`.
 * When an upgrade moves one, the spec fails with the internal's name, what
 * it breaks and the fix, rather than a bare expectation.
 */
export interface Piece {
  /** The file under src/common/fast/. */
  file: string;
  /** The plain path through the library's public API that would replace the piece if dropped. */
  plain: string;
}

export async function reliesOn(piece: Piece, internal: string, holds: () => unknown): Promise<void> {
  let held: unknown;
  let thrown: unknown;
  try {
    held = await holds();
  } catch (error) {
    thrown = error;
  }
  if (held === true) return;
  throw new Error(
    [
      `src/common/fast/${piece.file} relies on a library internal that no longer holds: ${internal}` +
        (thrown === undefined ? '.' : ` (${thrown instanceof Error ? thrown.message : String(thrown)}).`),
      `Fix: adapt ${piece.file} to the library's new internals, or drop the piece for the plain path (${piece.plain})`,
      'and its row in docs/architecture.md ("Library internals").',
    ].join('\n'),
  );
}
