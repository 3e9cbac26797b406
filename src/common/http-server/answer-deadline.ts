import type { ServerResponse } from 'node:http';

/** Answers dropped because their client stopped reading: the request's record counts them as disconnected clients. */
const dropped = new WeakSet<ServerResponse>();

/** Whether the answer was dropped unread (its response still reports `finish`: the reset ends its pending write). */
export function wasDropped(res: ServerResponse): boolean {
  return dropped.has(res);
}

/** Notes an answer dropped unread, by this module's timer or a stream's own (SseWriter). */
export function markDropped(res: ServerResponse): void {
  dropped.add(res);
}

/**
 * The write timeout of an answer already handed to Node whole (a JSON body,
 * the end of a stream): if the client lets it sit unread, the socket's
 * inactivity timer, which Node holds off while a pending write makes
 * progress, fires after `timeoutMs` (at most twice that, by how Node checks
 * progress); the connection is then reset, which frees what was queued for
 * it. A stream in progress has its own write timeout (SseWriter), since its
 * writes are not over yet.
 */
export function watchAnswer(res: ServerResponse, timeoutMs: number, onDropped: (res: ServerResponse) => void): void {
  // `on`, not `once`: an answer ends once, and `once` wraps the listener in one more closure.
  res.on('prefinish', () => {
    // Taken by the kernel already (nearly every answer): nothing is waiting.
    if (res.writableFinished || !res.socket) return;
    res.setTimeout(timeoutMs, () => {
      if (res.writableFinished) return;
      markDropped(res);
      onDropped(res);
      // A reset, not a close: a close would leave the unread bytes queued for as long as the client keeps its window shut.
      res.socket?.resetAndDestroy();
    });
  });
}
