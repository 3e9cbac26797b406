import type { ValidationOptions } from 'class-validator';
import { IsCheckedList, isEmpty, isObject, isString, type Problem } from './conversation.validator.js';

/**
 * `tools` checked in one pass, with the rules and words the nested tool
 * classes had. Agents send dozens of tools with every request; as nested
 * classes each one had its rules looked up afresh. Pure; `null` when valid.
 * `undefined` and `null` mean no tools (the field is optional).
 */
export function toolListProblem(tools: unknown): Problem | null {
  if (tools === undefined || tools === null) return null;
  if (!Array.isArray(tools)) return { path: 'tools', message: 'tools must be an array' };
  for (let i = 0; i < tools.length; i++) {
    const problem = toolProblem(tools[i], `tools[${i}]`);
    if (problem) return problem;
  }
  return null;
}

function toolProblem(tool: unknown, at: string): Problem | null {
  if (!isObject(tool)) return { path: at, message: 'each value in nested property tools must be either object or array' };
  if (tool.type !== 'function') return { path: `${at}.type`, message: "type must be 'function'" };
  const fn = tool.function;
  if (fn === undefined || fn === null) return { path: `${at}.function`, message: 'function should not be null or undefined' };
  if (!isObject(fn)) return { path: `${at}.function`, message: 'nested property function must be either object or array' };
  if (isEmpty(fn.name)) return { path: `${at}.function.name`, message: 'name should not be empty' };
  if (!isString(fn.name)) return { path: `${at}.function.name`, message: 'name must be a string' };
  if (fn.description != null && !isString(fn.description)) {
    return { path: `${at}.function.description`, message: 'description must be a string' };
  }
  if (fn.parameters != null && (!isObject(fn.parameters) || Array.isArray(fn.parameters))) {
    return { path: `${at}.function.parameters`, message: 'parameters must be an object' };
  }
  if (fn.strict != null && typeof fn.strict !== 'boolean') {
    return { path: `${at}.function.strict`, message: 'strict must be a boolean value' };
  }
  return null;
}

export const IsToolList = (options?: ValidationOptions) => IsCheckedList('isToolList', toolListProblem, options);
