import requestApi from 'undici/lib/api/api-request.js';
import UndiciAgent from 'undici/lib/dispatcher/agent.js';
import UndiciClient from 'undici/lib/dispatcher/client.js';
import UndiciPool from 'undici/lib/dispatcher/pool.js';
import undiciErrors from 'undici/lib/core/errors.js';

/**
 * The parts of npm undici the transport uses, loaded from undici's own
 * files: its Agent (with the Pool and Client it is made of), `request` and
 * its errors. undici's index also builds fetch, WebSocket, EventSource, the
 * cache API, cookies and the mocks, about 3 MB of heap held for the life of
 * the process whether used or not (undici-parts.spec.ts checks that none of
 * it loads), and it would install its own Agent as the process-wide
 * dispatcher.
 *
 * undici has no `exports` map, so these paths are public to Node; its
 * version is pinned in package.json, and a moved file fails start-up and
 * every upstream test at once rather than a request. Their types are the
 * index's (undici-files.d.ts).
 */
export const Agent = UndiciAgent;
export const Pool = UndiciPool;
export const Client = UndiciClient;
export const errors = undiciErrors;
export const RequestHandler = requestApi.RequestHandler;
