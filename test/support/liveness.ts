/**
 * Runs `work` while `/health/live` is asked every `intervalMs`, and resolves
 * with the slowest answer in ms: a stalled event loop (a body walked for
 * seconds, a fuzzed input that spins) shows there. The watcher stops however
 * `work` ends (a watcher left polling would outlive the gateway); a failure
 * of `work` is thrown after it has stopped.
 */
export async function slowestLivenessDuring(url: string, work: () => Promise<unknown>, intervalMs = 50): Promise<number> {
  let running = true;
  let slowest = 0;
  const watching = (async () => {
    while (running) {
      const started = Date.now();
      await fetch(`${url}/health/live`).then((r) => r.text());
      slowest = Math.max(slowest, Date.now() - started);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  try {
    await work();
  } finally {
    running = false;
    await watching;
  }
  return slowest;
}
