import { GatewayError } from '../../common/errors/gateway-error.js';

/**
 * Upstream validation errors name a place in the Messages API request
 * (`messages.1.content.0.id: ...`), which is not where the client put it:
 * turns were merged, system messages moved, thinking blocks added. With the
 * path of each upstream block recorded while mapping, the message can name
 * the client's own field instead. Pure.
 */

/** For each upstream message, for each of its blocks: the client's path. */
export type BlockPaths = readonly (readonly string[])[];

const BLOCK_PATH = /\bmessages\.(\d+)\.content\.(\d+)((?:\.[A-Za-z_][\w]*|\.\d+)*)/;

export interface RewrittenError {
  message: string;
  param: string;
}

/** A message as a whole (`messages.1: ...`, `messages.1.role: ...`), where no block is named. */
const MESSAGE_PATH = /\bmessages\.(\d+)((?:\.[A-Za-z_]\w*)*)/;
/** The client's message a block path lies in: `messages[2]` of `messages[2].tool_calls[0]`, `input[6]` of `input[6].arguments`. */
const CLIENT_MESSAGE = /^[A-Za-z_]\w*(?:\[\d+\])?/;

export function rewriteUpstreamPath(message: string, paths: BlockPaths): RewrittenError | null {
  const found = BLOCK_PATH.exec(message);
  if (!found) return rewriteMessagePath(message, paths) ?? rewriteListPath(message, paths);
  const origin = paths[Number(found[1])]?.[Number(found[2])];
  if (!origin) return null;
  const rest = found[3].replace(/\.(\d+)/g, '[$1]');
  const param = `${origin}${rest}`;
  return { message: message.replace(found[0], param), param };
}

/**
 * An upstream message named as a whole: the client's message its first block
 * came from (where a merged turn begins; the placeholder turn put before an
 * assistant's opening has none, and is left alone).
 */
function rewriteMessagePath(message: string, paths: BlockPaths): RewrittenError | null {
  const found = MESSAGE_PATH.exec(message);
  if (!found) return null;
  const first = paths[Number(found[1])]?.find((path) => path !== '');
  const origin = first ? CLIENT_MESSAGE.exec(first)?.[0] : undefined;
  if (!origin) return null;
  const param = `${origin}${found[2]}`;
  return { message: message.replace(found[0], param), param };
}

/** The conversation as a whole (`messages: final assistant content cannot end with trailing whitespace`). */
const LIST_PATH = /^messages(?=:)/;
/** The client's name for its list of messages: `messages` on chat, `input` on responses. */
const CLIENT_LIST = /^([A-Za-z_]\w*)\[\d+\]/;

function rewriteListPath(message: string, paths: BlockPaths): RewrittenError | null {
  if (!LIST_PATH.test(message)) return null;
  for (const blocks of paths) {
    for (const path of blocks) {
      const list = CLIENT_LIST.exec(path)?.[1];
      if (list) return { message: message.replace(LIST_PATH, list), param: list };
    }
  }
  return null;
}

/**
 * An upstream 400 that names a block, renamed to the client's path; anything
 * else unchanged. `paths` may be a function: then it is worked out only for
 * a 400, not for every 429 or 5xx.
 */
export function withClientPath(error: unknown, paths: BlockPaths | (() => BlockPaths)): unknown {
  if (!(error instanceof GatewayError) || error.status !== 400) return error;
  const rewritten = rewriteUpstreamPath(error.message, typeof paths === 'function' ? paths() : paths);
  if (!rewritten) return error;
  return new GatewayError(400, rewritten.message, {
    type: error.type,
    param: rewritten.param,
    code: error.code,
    headers: { ...error.headers },
    cause: error,
  });
}
