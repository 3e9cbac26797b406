import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { type ErrorFormat, errorFormatFor } from '../errors/error-formats.js';
import { GatewayError } from '../errors/gateway-error.js';

/** What the client is told for each refusal of Node's HTTP parser (llhttp's codes) and of its timers. */
const REFUSALS: Readonly<Record<string, { status: number; code: string; message: string }>> = {
  HPE_HEADER_OVERFLOW: { status: 431, code: 'headers_too_large', message: "The request's headers are larger than the gateway accepts (16 KB in all)." },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { status: 413, code: 'request_too_large', message: 'The chunk extensions of the request body are larger than the gateway accepts.' },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    code: 'request_timeout',
    message: 'The request was not received in time (REQUEST_HEADERS_TIMEOUT_MS for its headers, REQUEST_TIMEOUT_MS for all of it).',
  },
  HPE_UNEXPECTED_CONTENT_LENGTH: { status: 400, code: 'invalid_http', message: 'The request has more than one Content-Length header.' },
  HPE_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_http', message: 'The Content-Length header is not a non-negative number.' },
  HPE_INVALID_TRANSFER_ENCODING: {
    status: 400,
    code: 'invalid_http',
    message: 'The Transfer-Encoding header is invalid, or sent together with Content-Length.',
  },
  HPE_INVALID_HEADER_TOKEN: {
    status: 400,
    code: 'invalid_http',
    message: 'A header has a character HTTP does not allow in its name or value (a control character, or a folded line).',
  },
  HPE_INVALID_CHUNK_SIZE: { status: 400, code: 'invalid_http', message: 'The chunked request body is malformed.' },
  HPE_LF_EXPECTED: { status: 400, code: 'invalid_http', message: 'Lines of the request must end with CRLF.' },
  HPE_CR_EXPECTED: { status: 400, code: 'invalid_http', message: 'Lines of the request must end with CRLF.' },
  HPE_INVALID_METHOD: { status: 400, code: 'invalid_http', message: 'The request line has an invalid method.' },
  HPE_INVALID_URL: { status: 400, code: 'invalid_http', message: 'The request line has an invalid target.' },
  HPE_INVALID_VERSION: { status: 400, code: 'invalid_http', message: 'The request line is malformed: it must end with HTTP/1.1 and CRLF.' },
};

const NOT_HTTP = { status: 400, code: 'invalid_http', message: 'The request is not valid HTTP/1.1.' };

/** The parts of Node's clientError that say what was refused and where. */
interface ClientError extends Error {
  code?: string;
  /** The bytes being parsed when the parser gave up (llhttp errors only). */
  rawPacket?: Buffer;
}

/** A socket's response in flight, as Node's own clientError handling reads it (`socket._httpMessage`). */
interface HttpSocket extends Socket {
  _httpMessage?: { headersSent: boolean; req?: { url?: string } } | null;
}

/**
 * Node's `clientError`: the request could not be parsed, or did not arrive
 * in time. Answered in the error contract of the door the request addressed
 * (what Node does by itself is a bare status line, no body), then the
 * connection is closed: what follows a malformed request cannot be trusted.
 * The message is the gateway's own sentence for the parser's error code;
 * nothing the client sent is echoed. A connection that broke, or whose
 * answer is already under way, is only closed.
 */
export function answerClientError(error: ClientError, socket: Socket): void {
  const http = socket as HttpSocket;
  const inFlight = http._httpMessage;
  if (!socket.writable || inFlight?.headersSent || error.code === 'ECONNRESET' || error.code === 'EPIPE') {
    socket.destroy();
    return;
  }
  const refusal = REFUSALS[error.code ?? ''] ?? NOT_HTTP;
  // The door's error shape, by the path alone: the parser gave up before any header could say more.
  const format = errorFormatFor(inFlight?.req?.url ?? requestTarget(error.rawPacket) ?? '');
  socket.write(rawResponse(refusal.status, format, refusal.message, refusal.code));
  // Closed once written; Node's own handler closes the socket too.
  socket.destroySoon();
}

function rawResponse(status: number, format: ErrorFormat, message: string, code: string): string {
  const body = JSON.stringify(format.body(new GatewayError(status, message, { code })));
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
    'Content-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}

/**
 * The target of the request line the parser was reading, when the bytes it
 * gave up on begin with one (they usually do: a request's head arrives in
 * one piece). Only used to choose the door, never echoed.
 */
function requestTarget(packet: Buffer | undefined): string | undefined {
  if (!packet) return undefined;
  const line = packet.subarray(0, 256).toString('latin1');
  return /^[A-Z]{1,16} (\/[!-~]*) /.exec(line)?.[1];
}
