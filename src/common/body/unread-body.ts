import type { ServerResponse } from 'node:http';

/**
 * An answer given before the request's body has arrived (a 401 before the
 * body is read, a 413 on its declared length, a 415, a body cut short)
 * closes the connection: Node would otherwise keep it open to read and
 * discard the rest of the body, for as long as the client takes to send it.
 * A body small enough to have arrived already costs nothing to discard, and
 * its connection is kept.
 */
export function closeIfBodyUnread(res: ServerResponse): void {
  // `req` is absent only on a response no server made (a unit test's).
  if (res.req?.complete === false && !res.headersSent) res.setHeader('connection', 'close');
}
