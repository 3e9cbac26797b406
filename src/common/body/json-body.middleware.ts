import bodyParser from 'body-parser';
import bytes from 'bytes';
import type { Request, RequestHandler } from 'express';
import { AppConfig } from '../../config/app-config.js';
import { GatewayError, invalidRequest } from '../errors/gateway-error.js';
import { checkJsonShape, JsonShapeError } from './json-shape.js';
import { markParsedBody, provesNoProtoKeys } from './plain-json.js';

/**
 * How a door's POST route reads its JSON body: `parsed`, or `forwarded`, for
 * a door that sends the body upstream as the client sent it (the Anthropic
 * door), which also keeps the body's bytes for `forwardedBytes`. Only there:
 * the bytes stay held for as long as the request does.
 */
export type DoorBody = 'parsed' | 'forwarded';

/**
 * Reads and parses a JSON body for the routes that take one (`routes`: each
 * door's POST path, as its controller declares it). A middleware (not
 * Express's app-wide parser) so that it runs after the client-key check: a
 * client without a key never gets its body read. The shape limits are
 * checked on the raw bytes before `JSON.parse` (see json-shape.ts).
 *
 * One Express layer for every door, which looks the route up, rather than a
 * layer per route: Express tries each layer's path in turn on every request,
 * and a chat completion went past five before its own. CPU profiles put
 * path matching at 7.5 µs a request before, about 1.5 % of its CPU; the
 * change measured 0.972 and 0.976 with bench:compare's two sessions, within
 * the bench's noise (docs/performance.md).
 *
 * A body that is not JSON is refused first: sent as a form (`curl -d`
 * without a header) it would otherwise be read as empty and fail validation
 * with a misleading "model should not be empty".
 */
export function jsonBodyMiddleware(config: AppConfig, routes: Readonly<Record<string, DoorBody>>): RequestHandler {
  // The lookup is exact: a route with a parameter or a wildcard would never be found, its bodies never read.
  const patterned = Object.keys(routes).filter((path) => /[:{}*]/.test(path));
  if (patterned.length > 0) throw new Error(`jsonBodyMiddleware takes exact paths only, not ${patterned.join(', ')}`);
  const readers: Record<DoorBody, RequestHandler> = { parsed: jsonBodyReader(config, false), forwarded: jsonBodyReader(config, true) };
  const byPath = new Map(Object.entries(routes).map(([path, body]) => [routeKey(path), readers[body]]));
  return (req, res, next) => {
    const read = byPath.get(routeKey(req.path));
    if (read === undefined) return next();
    read(req, res, next);
  };
}

/**
 * A path as Express's router matches a route's (Nest leaves its defaults):
 * letters in any case, and one trailing slash or none.
 */
function routeKey(path: string): string {
  const lower = path.toLowerCase();
  return lower.length > 1 && lower.endsWith('/') ? lower.slice(0, -1) : lower;
}

/** The body's bytes as the client sent them (decompressed), once a `forwarded` route's body has been read. */
export function forwardedBytes(req: Request): Buffer | undefined {
  return keptBytes.get(req);
}

const keptBytes = new WeakMap<object, Buffer>();

function jsonBodyReader(config: AppConfig, keepBytes: boolean): RequestHandler {
  const limits = { maxDepth: config.get('JSON_MAX_DEPTH'), maxItems: config.get('JSON_MAX_ITEMS') };
  /** BODY_LIMIT in bytes, read as body-parser reads it. */
  const limitBytes = bytes.parse(config.get('BODY_LIMIT')) ?? Infinity;
  const parse: RequestHandler = bodyParser.json({
    limit: config.get('BODY_LIMIT'),
    verify: (req, _res, bytes, encoding) => {
      checkJsonShape(bytes, limits);
      if (keepBytes) keptBytes.set(req, bytes);
      // The proof reads UTF-8 bytes; body-parser also takes UTF-16, where it would not see the names.
      protoKeyFree.set(req, UTF8.has(String(encoding).toLowerCase()) && provesNoProtoKeys(bytes));
    },
  });
  return (req, res, next) => {
    if (!req.is('application/json')) {
      throw new GatewayError(415, "The request body must be JSON: send it with 'Content-Type: application/json'.", {
        code: 'unsupported_media_type',
      });
    }
    // Refused on its declared length before a byte is read: body-parser would read the whole body
    // first, only to throw it away, for as long as the client takes to send it.
    if (declaredLength(req) > limitBytes) throw tooLarge();
    parse(req, res, (error?: unknown) => {
      if (error !== undefined) return next(bodyError(error));
      // Only a body body-parser parsed here has been through `verify` (not an empty or absent one).
      const free = protoKeyFree.get(req);
      if (free !== undefined) markParsedBody(req.body, free);
      next();
    });
  };
}

const UTF8 = new Set(['utf-8', 'utf8']);

/** The body's length as its headers declare it; 0 when they do not (chunked) or it is compressed (the limit is on what it inflates to). */
function declaredLength(req: Request): number {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return 0;
  const length = Number(req.headers['content-length']);
  return Number.isFinite(length) ? length : 0;
}

const tooLarge = () => new GatewayError(413, 'Request body is too large (limit set by BODY_LIMIT).', { code: 'request_too_large' });

/** What `verify` learnt from a request's bytes, until the parsed body can be marked (see plain-json.ts). */
const protoKeyFree = new WeakMap<object, boolean>();

/** body-parser's errors carry a `type` such as `entity.parse.failed`. */
interface BodyParserError {
  type?: string;
  status?: number;
}

/** Every way reading a body can fail, in OpenAI's shape; no library's raw message reaches the client. */
function bodyError(error: unknown): GatewayError {
  if (error instanceof JsonShapeError) return invalidRequest(error.message, null, 'json_too_complex');
  const { type, status } = (error ?? {}) as BodyParserError;
  switch (type) {
    case 'entity.parse.failed':
      return invalidRequest(
        'We could not parse the JSON body of your request. The body must be valid JSON (Content-Type: application/json).',
        null,
        'invalid_json',
      );
    case 'entity.too.large':
      return tooLarge();
    case 'encoding.unsupported':
      return new GatewayError(415, 'Unsupported Content-Encoding: send the body uncompressed, or as gzip, deflate or br.', {
        code: 'unsupported_content_encoding',
      });
    case 'charset.unsupported':
      return new GatewayError(415, 'Unsupported charset: send the JSON body as UTF-8.', { code: 'unsupported_charset' });
    case 'request.size.invalid':
    case 'request.aborted':
      return invalidRequest('The request body ended before its declared length.', null, 'incomplete_body');
  }
  // Anything else arose while decompressing (zlib's "incorrect header check" and the like).
  if (status === undefined || status < 500) {
    return invalidRequest(
      'The request body could not be decompressed: it does not match its Content-Encoding header.',
      null,
      'invalid_content_encoding',
    );
  }
  return invalidRequest('Could not read the request body.', null, 'unreadable_body');
}
