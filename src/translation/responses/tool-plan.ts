import type Anthropic from '@anthropic-ai/sdk';
import type { FunctionTool, ToolChoice } from '../chat/openai.types.js';
import { invalidRequest } from '../../common/errors/gateway-error.js';
import type { CustomToolDef, FunctionToolDef, NamespaceToolDef, ResponsesToolChoice, ToolDef, WebSearchToolDef } from './responses.types.js';

/**
 * What the gateway can offer Claude from a Responses `tools` list. Coding
 * agents send built-in tools and `namespace` groups on every request, so
 * refusing what Claude has no function for would break them outright: it is
 * left out and named (log line and `x-gateway-omitted-tools` header) instead.
 */
export interface ToolPlan {
  /** Function tools in the chat shape, namespace members flattened. */
  functions: FunctionTool[];
  /** For each of `functions`: where the client declared it (`tools[2]`, `tools[3].tools[0]`). */
  paths: string[];
  /** Anthropic server tools (web search) appended to the request as they are. */
  server: Anthropic.ToolUnion[];
  /** Anthropic tool name → the name (and namespace) the client knows; `custom` for freeform tools. */
  names: Map<string, ToolName>;
  /** Tool types left out, in order, without repeats. */
  omitted: string[];
}

export interface ToolName {
  name: string;
  namespace?: string;
  /** A `custom` tool: Claude's `{"input": "..."}` becomes a `custom_tool_call` with that text. */
  custom?: boolean;
}

export interface ToolOptions {
  /** Map `web_search` to Anthropic's server-side web search (RESPONSES_WEB_SEARCH=anthropic). */
  webSearch: boolean;
}

/** Built-in tool types that stand for web search (current and preview names). */
export const WEB_SEARCH_TYPES = ['web_search', 'web_search_preview', 'web_search_2025_08_26', 'web_search_preview_2025_03_11'];

/** Anthropic's server-side web search tool; its name is what Claude calls it by. */
export const ANTHROPIC_WEB_SEARCH = { type: 'web_search_20250305', name: 'web_search' } as const;

/**
 * Anthropic tool names allow `[a-zA-Z0-9_-]` only, so a namespace member is
 * joined with a double underscore; the reverse mapping is a table lookup,
 * never a split, so names that contain `__` themselves still map back.
 */
export function flatName(name: string, namespace?: string | null): string {
  return namespace ? `${namespace}__${name}` : name;
}

export function planTools(tools: ToolDef[] | null | undefined, options: ToolOptions): ToolPlan {
  const plan: ToolPlan = { functions: [], paths: [], server: [], names: new Map(), omitted: [] };
  const omit = (type: string) => {
    if (!plan.omitted.includes(type)) plan.omitted.push(type);
  };
  const addFunction = (tool: FunctionToolDef, path: string, namespace?: string, custom = false) => {
    const name = flatName(tool.name, namespace);
    plan.paths.push(path);
    // Fields set one by one, not spread in: this runs for every tool of every request.
    const known: ToolName = { name: tool.name };
    if (namespace) known.namespace = namespace;
    if (custom) known.custom = custom;
    plan.names.set(name, known);
    const fn: FunctionTool['function'] = { name };
    if (tool.description) fn.description = tool.description;
    if (tool.parameters) fn.parameters = tool.parameters;
    if (tool.strict != null) fn.strict = tool.strict;
    plan.functions.push({ type: 'function', function: fn });
  };
  for (const [i, tool] of (tools ?? []).entries()) {
    if (tool.type === 'function') addFunction(tool as FunctionToolDef, `tools[${i}]`);
    else if (tool.type === 'custom') addFunction(asFunction(tool as CustomToolDef), `tools[${i}]`, undefined, true);
    else if (tool.type === 'namespace') {
      const group = tool as NamespaceToolDef;
      for (const [j, member] of (group.tools ?? []).entries()) {
        if (member.type === 'function') addFunction(member as FunctionToolDef, `tools[${i}].tools[${j}]`, group.name);
        else if (member.type === 'custom') addFunction(asFunction(member as CustomToolDef), `tools[${i}].tools[${j}]`, group.name, true);
        else omit(`${group.name}.${member.type}`);
      }
    } else if (WEB_SEARCH_TYPES.includes(tool.type) && options.webSearch) {
      if (plan.server.length === 0) plan.server.push(webSearchTool(tool as WebSearchToolDef));
    } else omit(tool.type);
  }
  return plan;
}

/**
 * Claude has no freeform tools, so a `custom` tool becomes a function with
 * one string parameter, `input`; its grammar, if any, goes into that
 * parameter's description for Claude to follow (nothing enforces it).
 */
function asFunction(tool: CustomToolDef): FunctionToolDef {
  const format = tool.format;
  const grammar =
    format && format.type === 'grammar' && format.definition
      ? `The input must follow this ${format.syntax ?? ''} grammar:\n${format.definition}`
      : 'The raw input for the tool, as free text.';
  return {
    type: 'function',
    name: tool.name,
    description: tool.description,
    parameters: { type: 'object', properties: { input: { type: 'string', description: grammar } }, required: ['input'] },
  };
}

function webSearchTool(tool: WebSearchToolDef): Anthropic.WebSearchTool20250305 {
  const out: Anthropic.WebSearchTool20250305 = { ...ANTHROPIC_WEB_SEARCH };
  const domains = tool.filters?.allowed_domains;
  if (domains?.length) out.allowed_domains = domains;
  const where = tool.user_location;
  if (where && (where.city || where.country || where.region || where.timezone)) {
    out.user_location = {
      type: 'approximate',
      ...(where.city && { city: where.city }),
      ...(where.country && { country: where.country }),
      ...(where.region && { region: where.region }),
      ...(where.timezone && { timezone: where.timezone }),
    };
  }
  return out;
}

/**
 * Responses `tool_choice` → the chat form (for functions) or an Anthropic
 * choice (for web search). Forcing a tool the gateway cannot offer is the one
 * tool problem that is an error: the client asked for a call that cannot happen.
 */
export function planToolChoice(
  choice: ResponsesToolChoice | null | undefined,
  plan: ToolPlan,
): { chat?: ToolChoice; anthropic?: Anthropic.ToolChoice } {
  if (choice == null || typeof choice === 'string') return { chat: choice ?? undefined };
  if (choice.type === 'function' || choice.type === 'custom') {
    const { name, namespace } = choice as { name: string; namespace?: string };
    const flat = flatName(name, namespace);
    if (!plan.names.has(flat)) {
      throw invalidRequest(`tool_choice names the function '${flat}', which is not among tools.`, 'tool_choice');
    }
    return { chat: { type: 'function', function: { name: flat } } };
  }
  if (choice.type === 'allowed_tools') {
    return { chat: (choice as { mode?: string }).mode === 'required' ? 'required' : 'auto' };
  }
  if (WEB_SEARCH_TYPES.includes(choice.type) && plan.server.length > 0) {
    return { anthropic: { type: 'tool', name: ANTHROPIC_WEB_SEARCH.name } };
  }
  throw invalidRequest(
    `tool_choice forces the built-in tool '${choice.type}', which this gateway does not offer to Claude.`,
    'tool_choice',
  );
}
