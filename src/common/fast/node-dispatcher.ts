/**
 * Imported before npm `undici`, for its side effect only. Loading `undici`
 * installs its own Agent as the process-wide dispatcher when none exists
 * yet, and Node's built-in fetch creates its own lazily, on first use: so
 * whichever loads first decides what every `fetch()` in the process (other
 * libraries, health probes, tests) runs on. Touching `Headers` loads Node's
 * bundled undici now, which installs Node's own dispatcher; npm `undici` then
 * finds one and leaves it alone, and is only ever used through the Agent we
 * hand it explicitly.
 */
void globalThis.Headers;
