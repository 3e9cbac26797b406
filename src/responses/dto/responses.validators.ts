import { IsCheckedList, type Problem as FieldProblem } from '../../translation/chat/validators/conversation.validator.js';

/**
 * Responses fields are unions keyed by `type` (input items, content parts,
 * tools), which class-validator's nested classes cannot express; each is
 * checked by a function that names the first problem and its path.
 */
type Problem = FieldProblem | null;

const obj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown) => typeof v === 'string';
const at = (path: string, message: string): Problem => ({ path, message });

const ROLES = ['user', 'assistant', 'system', 'developer'];
const PART_TYPES = ['input_text', 'input_image', 'input_file', 'output_text', 'refusal'];

export function inputProblem(value: unknown): Problem {
  if (typeof value === 'string') return null;
  if (!Array.isArray(value)) return at('', 'must be a string or an array of input items');
  for (let i = 0; i < value.length; i++) {
    const problem = itemProblem(value[i]);
    if (problem) return { path: `[${i}]${problem.path}`, message: problem.message };
  }
  return null;
}

function itemProblem(item: unknown): Problem {
  if (!obj(item)) return at('', 'must be an object');
  switch (item.type ?? 'message') {
    case 'message':
      if (!ROLES.includes(item.role as string)) return at('.role', `must be one of ${ROLES.join(', ')}`);
      return contentProblem(item.content, '.content');
    case 'function_call':
      if (!str(item.call_id)) return at('.call_id', 'must be a string');
      if (!str(item.name)) return at('.name', 'must be a string');
      return str(item.arguments) ? null : at('.arguments', 'must be a JSON string');
    case 'custom_tool_call':
      if (!str(item.call_id)) return at('.call_id', 'must be a string');
      if (!str(item.name)) return at('.name', 'must be a string');
      return str(item.input) ? null : at('.input', 'must be a string');
    case 'function_call_output':
    case 'custom_tool_call_output':
      if (!str(item.call_id)) return at('.call_id', 'must be a string');
      return typeof item.output === 'string' ? null : contentProblem(item.output, '.output');
    case 'reasoning':
      if (item.encrypted_content != null && !str(item.encrypted_content)) return at('.encrypted_content', 'must be a string');
      return item.summary === undefined || Array.isArray(item.summary) ? null : at('.summary', 'must be an array');
    case 'item_reference':
      return str(item.id) ? null : at('.id', 'must be a string');
    default:
      return str(item.type) ? null : at('.type', 'must be a string');
  }
}

function contentProblem(content: unknown, path: string): Problem {
  if (typeof content === 'string') return null;
  if (!Array.isArray(content)) return at(path, 'must be a string or an array of content parts');
  for (let j = 0; j < content.length; j++) {
    const part = content[j];
    const here = `${path}[${j}]`;
    if (!obj(part)) return at(here, 'must be an object');
    if (!PART_TYPES.includes(part.type as string)) return at(`${here}.type`, `must be one of ${PART_TYPES.join(', ')}`);
    if ((part.type === 'input_text' || part.type === 'output_text') && !str(part.text)) return at(`${here}.text`, 'must be a string');
    if (part.type === 'refusal' && !str(part.refusal)) return at(`${here}.refusal`, 'must be a string');
    if (part.type === 'input_image' && part.image_url != null && !str(part.image_url)) return at(`${here}.image_url`, 'must be a string');
    if (part.type === 'input_file' && part.file_data != null && !str(part.file_data)) return at(`${here}.file_data`, 'must be a string');
  }
  return null;
}

/** Every tool type OpenAI names (`web_search_preview_2025_03_11`, `mcp`, ...) fits this; nothing else need. */
const TOOL_TYPE = /^[A-Za-z0-9_.:-]{1,64}$/;

export function toolsProblem(value: unknown): Problem {
  if (!Array.isArray(value)) return at('', 'must be an array');
  for (let i = 0; i < value.length; i++) {
    const tool = value[i];
    if (!obj(tool) || !str(tool.type)) return at(`[${i}].type`, 'must be a string');
    // A type Claude has no tool for is named back in a response header, so it must be a name, not free text.
    if (!TOOL_TYPE.test(tool.type)) return at(`[${i}].type`, 'must be a tool type name (letters, digits, `_`, `-`, `.`, `:`)');
    if (tool.type === 'function' || tool.type === 'custom') {
      if (!str(tool.name) || !tool.name) return at(`[${i}].name`, 'must be a non-empty string');
      if (tool.parameters != null && !obj(tool.parameters)) return at(`[${i}].parameters`, 'must be an object');
    }
    if (tool.type === 'namespace') {
      if (!str(tool.name) || !tool.name) return at(`[${i}].name`, 'must be a non-empty string');
      if (!Array.isArray(tool.tools)) return at(`[${i}].tools`, 'must be an array');
      const inner = toolsProblem(tool.tools);
      if (inner) return { path: `[${i}].tools${inner.path}`, message: inner.message };
    }
  }
  return null;
}

export function toolChoiceProblem(value: unknown): Problem {
  if (value === 'auto' || value === 'none' || value === 'required') return null;
  if (!obj(value) || !str(value.type)) return at('', "must be 'auto', 'none', 'required' or an object with a type");
  if (value.type === 'function' && !str(value.name)) return at('.name', 'must be a string');
  return null;
}

const FORMATS = ['text', 'json_object', 'json_schema'];

export function textProblem(value: unknown): Problem {
  if (!obj(value)) return at('', 'must be an object');
  const format = value.format;
  if (format == null) return null;
  if (!obj(format) || !FORMATS.includes(format.type as string)) return at('.format.type', `must be one of ${FORMATS.join(', ')}`);
  if (format.type === 'json_schema' && !obj(format.schema)) return at('.format.schema', 'must be a JSON schema object');
  return null;
}

/** A Responses field checked by one of the problem functions above (paths from the field). */
export const Checks = (name: string, problem: (value: unknown) => Problem) => IsCheckedList(name, problem);
