/**
 * Asks `/health/live` every `intervalMs` until the returned function is
 * called, which resolves with the slowest answer in ms: a stalled event loop
 * (a body walked for seconds, a fuzzed input that spins) shows there.
 */
export function watchLiveness(url: string, intervalMs = 50): () => Promise<number> {
  let running = true;
  let slowest = 0;
  const done = (async () => {
    while (running) {
      const started = Date.now();
      await fetch(`${url}/health/live`).then((r) => r.text());
      slowest = Math.max(slowest, Date.now() - started);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return async () => {
    running = false;
    await done;
    return slowest;
  };
}
