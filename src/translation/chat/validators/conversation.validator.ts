import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import type { ChatRole } from '../openai.types.js';
import { contentProblem } from './content.validators.js';

export const ROLES: readonly ChatRole[] = ['system', 'developer', 'user', 'assistant', 'tool', 'function'];

/** The first problem of a conversation, with the path of the field that has it. */
export interface Problem {
  path: string;
  message: string;
}

export const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';
export const isString = (v: unknown): v is string => typeof v === 'string';
/** class-validator's IsNotEmpty; where a field fails both, it was the one reported. */
export const isEmpty = (v: unknown) => v === '' || v === null || v === undefined;

/**
 * The whole `messages` array checked in one pass, with the rules (and the
 * words) the nested message classes had: a conversation grows with every
 * turn, and validating it as nested classes walked it several times per
 * request (class-transformer, then class-validator, each message looking up
 * its class's rules afresh). Pure; `null` when the conversation is valid.
 */
export function conversationProblem(messages: unknown): Problem | null {
  if (!Array.isArray(messages) || messages.length === 0) {
    return { path: 'messages', message: 'messages must contain at least one message' };
  }
  for (let i = 0; i < messages.length; i++) {
    const problem = messageProblem(messages[i], `messages[${i}]`);
    if (problem) return problem;
  }
  return null;
}

function messageProblem(message: unknown, at: string): Problem | null {
  if (!isObject(message)) return { path: at, message: 'each value in nested property messages must be either object or array' };
  const { role, content, tool_calls, tool_call_id, name, function_call } = message;
  if (!ROLES.includes(role as ChatRole)) return { path: `${at}.role`, message: `role must be one of ${ROLES.join(', ')}` };
  // A user turn needs content; an assistant turn may carry only tool calls.
  if (role !== 'assistant' || content !== undefined) {
    const problem = contentProblem(content);
    if (problem) return { path: `${at}.content`, message: `content${problem.startsWith('[') ? '' : ' '}${problem}` };
  }
  if (tool_calls !== undefined && tool_calls !== null) {
    if (!Array.isArray(tool_calls)) return { path: `${at}.tool_calls`, message: 'tool_calls must be an array' };
    for (let j = 0; j < tool_calls.length; j++) {
      const problem = toolCallProblem(tool_calls[j], `${at}.tool_calls`, j);
      if (problem) return problem;
    }
  }
  if (role === 'tool') {
    if (isEmpty(tool_call_id)) return { path: `${at}.tool_call_id`, message: 'tool_call_id should not be empty' };
    if (!isString(tool_call_id)) return { path: `${at}.tool_call_id`, message: 'tool_call_id is required on tool messages' };
  }
  // Needed on legacy `role: "function"` results, which name the function they answer.
  if ((role === 'function' || name !== undefined) && !isString(name)) {
    return { path: `${at}.name`, message: 'name is required on function messages' };
  }
  if (function_call !== undefined && function_call !== null) {
    const problem = functionCallProblem(function_call, `${at}.function_call`);
    if (problem) return problem;
  }
  // Signed thinking, as OpenRouter (`reasoning_details`) and LiteLLM (`thinking_blocks`) clients send it back.
  for (const field of ['reasoning_details', 'thinking_blocks'] as const) {
    const value = message[field];
    if (value !== undefined && value !== null && !Array.isArray(value)) {
      return { path: `${at}.${field}`, message: `${field} must be an array` };
    }
  }
  return null;
}

/** `{name, arguments}`, as in a tool call's `function` and a legacy `function_call`. */
function functionCallProblem(fn: unknown, at: string): Problem | null {
  if (!isObject(fn)) return { path: at, message: `nested property ${at.slice(at.lastIndexOf('.') + 1)} must be either object or array` };
  if (!isString(fn.name)) return { path: `${at}.name`, message: 'name must be a string' };
  if (!isString(fn.arguments)) return { path: `${at}.arguments`, message: 'arguments must be a string' };
  return null;
}

function toolCallProblem(call: unknown, list: string, index: number): Problem | null {
  const at = `${list}[${index}]`;
  if (!isObject(call)) return { path: at, message: 'each value in nested property tool_calls must be either object or array' };
  if (isEmpty(call.id)) return { path: `${at}.id`, message: 'id should not be empty' };
  if (!isString(call.id)) return { path: `${at}.id`, message: 'id must be a string' };
  if (call.type !== 'function') return { path: `${at}.type`, message: 'type must be one of the following values: function' };
  const fn = call.function;
  if (fn === undefined || fn === null) return { path: `${at}.function`, message: 'function should not be null or undefined' };
  return functionCallProblem(fn, `${at}.function`);
}

/**
 * A field validated in one pass by `problem`. The message names the field
 * itself (`messages[2].role: ...`), which the validation pipe turns into the
 * error's `param`, as it does for nested classes. `problem` gives the path
 * whole (`messages[2].role`) or from the field (`[2].role`, `.format.type`,
 * or empty for the field itself).
 */
export function IsCheckedList(name: string, problem: (value: unknown) => Problem | null, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => problem(value) === null,
        defaultMessage: (args: ValidationArguments) => {
          const found = problem(args.value);
          if (!found) return `${args.property} is invalid`;
          const relative = found.path === '' || found.path.startsWith('[') || found.path.startsWith('.');
          return `${relative ? args.property + found.path : found.path}: ${found.message}`;
        },
      },
    });
}

/** `messages`, validated by `conversationProblem`. */
export const IsConversation = (options?: ValidationOptions) => IsCheckedList('isConversation', conversationProblem, options);
