/** The `bytes` package (body-parser's own parser of `limit`), typed for the one function used. */
declare module 'bytes' {
  const bytes: { parse(value: string | number): number | null };
  export default bytes;
}
