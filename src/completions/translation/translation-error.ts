/** A request the translation cannot express upstream; becomes a 400 naming `param`. */
export class TranslationError extends Error {
  constructor(
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = 'TranslationError';
  }
}
