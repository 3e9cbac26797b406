/** What a request says about the conversation it belongs to, in the order it is trusted. */
export interface ConversationHints {
  /** OpenAI's `prompt_cache_key`: the client's own name for what shares a cache. */
  promptCacheKey?: string | null;
  /** A `session_id` or `x-session-id` header (Codex sends `session_id`). */
  sessionHeader?: string | string[];
  /** The Responses API's `previous_response_id`: the chain the response continues. */
  previousResponseId?: string | null;
  /** OpenAI's `user`: the end user, when nothing narrower is given. */
  user?: string | null;
}

/**
 * The key a conversation is kept on one credential by (the prompt cache is
 * per organization: a switch is a full cache miss), or undefined when the
 * request names none. Prefixed by kind, so a `user` never meets a session id.
 */
export function conversationKey(hints: ConversationHints): string | undefined {
  if (hints.promptCacheKey) return `cache:${hints.promptCacheKey}`;
  const session = Array.isArray(hints.sessionHeader) ? hints.sessionHeader[0] : hints.sessionHeader;
  if (session) return `session:${session}`;
  if (hints.previousResponseId) return responseKey(hints.previousResponseId);
  if (hints.user) return `user:${hints.user}`;
  return undefined;
}

/** A stored response's key: its successor (`previous_response_id`) finds the credential that served it. */
export const responseKey = (id: string) => `response:${id}`;

/** The session headers clients send, read from Node's header object. */
export function sessionHeader(headers: Record<string, string | string[] | undefined>): string | string[] | undefined {
  return headers['session_id'] ?? headers['x-session-id'];
}
