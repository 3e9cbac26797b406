/**
 * Where a system or developer message that comes after the conversation has
 * started can go. The Messages API takes `role: "system"` inside `messages`,
 * immediately after a user turn, on the models below ("Mid-conversation system
 * messages"; "What's new in Claude 4.8": Opus 4.8, no beta header; the 5.x
 * families per their model profiles). Kept in place, it leaves the cached prefix
 * of the earlier turns alone; everywhere else it is hoisted into `system`.
 * Unknown ids are hoisted: a cache miss is better than a 400.
 */
export const MID_CONVERSATION_SYSTEM_MODELS: readonly RegExp[] = [
  /^claude-opus-4-8/,
  /^claude-opus-5/,
  /^claude-sonnet-5/,
  /^claude-haiku-5/,
  /^claude-fable-5/,
  /^claude-mythos-5/,
];

export function takesMidConversationSystem(model: string): boolean {
  return MID_CONVERSATION_SYSTEM_MODELS.some((pattern) => pattern.test(model));
}
