import { GatewayError } from '../../common/errors/gateway-error.js';
import { thinkingOff } from '../shared/thinking.js';
import type { ChatCompletionRequest } from '../chat/openai.types.js';
import { mapRequest, type ServerTools } from '../chat/request.mapper.js';
import { decodeThinking, encodeThinking } from './reasoning-codec.js';
import { renamePath, toAnthropicFromResponses, toChatMessages } from './request.mapper.js';
import type { InputItem, ResponsesRequest } from './responses.types.js';
import { planTools, planToolChoice } from './tool-plan.js';

const defaults = { maxTokens: () => 1000 };
const translateChat = (chat: ChatCompletionRequest, server?: ServerTools) => mapRequest(chat, defaults, server);
const translate = (req: Partial<ResponsesRequest>, items?: InputItem[], webSearch = true) => {
  const full = { model: 'claude-x', ...req } as ResponsesRequest;
  const input = items ?? (typeof full.input === 'string' ? [{ role: 'user', content: full.input } as InputItem] : (full.input ?? []));
  return toAnthropicFromResponses(full, { history: [], input }, translateChat, { webSearch });
};
const fails = (fn: () => unknown): GatewayError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof GatewayError && error.status === 400) return error;
    throw error;
  }
  throw new Error('expected a 400 GatewayError');
};

describe('toAnthropicFromResponses', () => {
  it('maps instructions, input messages of every role and the limits through the chat mapper', () => {
    const { params } = translate(
      { instructions: 'Be brief.', max_output_tokens: 50, safety_identifier: 'u-1', reasoning: { effort: 'high' } },
      [
        { role: 'developer', content: [{ type: 'input_text', text: 'In French.' }] },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }, { type: 'input_image', image_url: 'data:image/png;base64,AAA' }] },
        { role: 'assistant', content: [{ type: 'output_text', text: 'Salut' }] },
        { role: 'user', content: [{ type: 'input_file', filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBE' }] },
      ],
    );
    expect(params).toEqual({
      model: 'claude-x',
      max_tokens: 50,
      system: [
        { type: 'text', text: 'Be brief.' },
        { type: 'text', text: 'In French.' },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Hi' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAA' } },
          ],
        },
        { role: 'assistant', content: [{ type: 'text', text: 'Salut' }] },
        { role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' } }] },
      ],
      metadata: { user_id: 'u-1' },
      thinking: { type: 'adaptive', display: 'summarized' },
      output_config: { effort: 'high' },
    });
  });

  it('turns function calls and outputs into tool_use / tool_result, with signed thinking first in its turn', () => {
    const thinking = { type: 'thinking' as const, thinking: 'Need weather.', signature: 'sig-abc' };
    const { params } = translate({}, [
      { role: 'user', content: 'Weather?' },
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Need weather.' }], encrypted_content: encodeThinking([thinking]) },
      { type: 'function_call', call_id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
      { type: 'function_call_output', call_id: 'toolu_1', output: '{"temp":3}' },
    ]);
    expect(params.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
      {
        role: 'assistant',
        content: [thinking, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '{"temp":3}' }] },
    ]);
  });

  it('gathers the items of one assistant turn into one message, thinking first, interleaved thinking in its place', () => {
    const a = { type: 'thinking' as const, thinking: 'first', signature: 's1' };
    const b = { type: 'thinking' as const, thinking: 'second', signature: 's2' };
    const { messages, origins } = toChatMessages(null, {
      history: [],
      input: [
        { role: 'user', content: 'go' },
        { type: 'reasoning', id: 'rs_a', summary: [], encrypted_content: encodeThinking([a]) },
        { role: 'assistant', content: [{ type: 'output_text', text: 'Looking.' }] },
        { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
        { type: 'reasoning', id: 'rs_b', summary: [], encrypted_content: encodeThinking([b]) },
        { type: 'function_call', call_id: 'c2', name: 'f', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: '1' },
      ],
    });
    expect(messages).toEqual([
      { role: 'user', content: 'go' },
      {
        role: 'assistant',
        content: [{ type: 'text', text: 'Looking.' }],
        thinking_blocks: [a],
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      { role: 'assistant', content: [], thinking_blocks: [b], tool_calls: [{ id: 'c2', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: '1' },
    ]);
    expect(origins[1]).toEqual({ message: 'input[1]', parts: ['input[2].content[0]'], calls: ['input[3]'] });
  });

  it.each([
    ['messages', 'input'],
    ['messages[1].tool_calls[0].function.arguments', 'input[3].arguments'],
    ['messages[1].content[0]', 'input[2].content[0]'],
    ['messages[1]', 'input[1]'],
    ['messages[2].content[1].image_url.url', 'input[6].output[1].image_url'],
    ['messages[0].content', 'instructions.content'],
    ['tools[1].function.parameters.properties', 'tools[3].tools[0].parameters.properties'],
  ])('renames the chat path %s to %s', (path, expected) => {
    const origins = [
      { message: 'instructions' },
      { message: 'input[1]', parts: ['input[2].content[0]'], calls: ['input[3]'] },
      { message: 'input[6]', contentName: 'output' },
    ];
    expect(renamePath(path, origins, ['tools[0]', 'tools[3].tools[0]'])).toBe(expected);
  });

  it('drops reasoning items without our encrypted content (none, or another model\'s) and web search calls', () => {
    const { params } = translate({}, [
      { role: 'user', content: 'q' },
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'x' }] },
      { type: 'reasoning', id: 'rs_2', summary: [], encrypted_content: 'gAAAAABopenai-encrypted' },
      { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'q' } },
      { role: 'assistant', content: 'a' },
      { role: 'user', content: 'again' },
    ]);
    expect(params.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
  });

  it('flattens namespace groups, keeps function tools, maps web_search to the server tool and leaves the rest out', () => {
    const { params, tools } = translate({
      input: 'go',
      tools: [
        { type: 'function', name: 'read', parameters: { type: 'object', properties: {} }, strict: true },
        { type: 'namespace', name: 'fs', description: 'files', tools: [{ type: 'function', name: 'list', description: 'ls' }, { type: 'image_generation' }] },
        { type: 'web_search', filters: { allowed_domains: ['example.com'] } },
        { type: 'file_search' },
        { type: 'code_interpreter' },
      ],
    });
    expect(params.tools).toEqual([
      { name: 'read', input_schema: { type: 'object', properties: {}, additionalProperties: false }, strict: true },
      { name: 'fs__list', description: 'ls', input_schema: { type: 'object', properties: {} } },
      { type: 'web_search_20250305', name: 'web_search', allowed_domains: ['example.com'] },
    ]);
    expect(tools.omitted).toEqual(['fs.image_generation', 'file_search', 'code_interpreter']);
    expect(tools.names.get('fs__list')).toEqual({ name: 'list', namespace: 'fs' });
  });

  it('offers a custom (freeform) tool as a function of one string, its grammar described, and replays its calls', () => {
    const { params, tools } = translate(
      {
        tools: [{ type: 'custom', name: 'apply_patch', description: 'Edit files.', format: { type: 'grammar', syntax: 'lark', definition: 'start: "x"' } }],
        tool_choice: { type: 'custom', name: 'apply_patch' },
      },
      [
        { role: 'user', content: 'fix it' },
        { type: 'custom_tool_call', call_id: 'call_p', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch' },
        { type: 'custom_tool_call_output', call_id: 'call_p', output: 'Done!' },
      ],
    );
    expect(params.tools).toEqual([
      {
        name: 'apply_patch',
        description: 'Edit files.',
        input_schema: {
          type: 'object',
          properties: { input: { type: 'string', description: 'The input must follow this lark grammar:\nstart: "x"' } },
          required: ['input'],
        },
      },
    ]);
    expect(params.tool_choice).toEqual({ type: 'tool', name: 'apply_patch' });
    expect(tools.names.get('apply_patch')).toEqual({ name: 'apply_patch', custom: true });
    expect(params.messages.slice(1)).toEqual([
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_p', name: 'apply_patch', input: { input: '*** Begin Patch\n*** End Patch' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_p', content: 'Done!' }] },
    ]);
  });

  it('leaves web_search out when the server tool is off', () => {
    const { params, tools } = translate({ input: 'go', tools: [{ type: 'web_search' }] }, undefined, false);
    expect(params.tools).toBeUndefined();
    expect(tools.omitted).toEqual(['web_search']);
  });

  it('maps a namespaced function_call in the input back to its flat name', () => {
    const { params } = translate({}, [
      { role: 'user', content: 'x' },
      { type: 'function_call', call_id: 'c1', name: 'list', namespace: 'fs', arguments: '' },
    ]);
    expect(params.messages[1].content).toEqual([{ type: 'tool_use', id: 'c1', name: 'fs__list', input: {} }]);
  });

  it.each([
    ['auto', undefined, { type: 'auto' }],
    ['required', undefined, { type: 'any' }],
    ['none', undefined, { type: 'none' }],
    [{ type: 'function', name: 'read' }, false, { type: 'tool', name: 'read', disable_parallel_tool_use: true }],
  ])('maps tool_choice %j (parallel %j)', (choice, parallel, expected) => {
    const { params } = translate({
      input: 'go',
      tools: [{ type: 'function', name: 'read' }],
      tool_choice: choice as ResponsesRequest['tool_choice'],
      parallel_tool_calls: parallel,
    });
    expect(params.tool_choice).toEqual(expected);
  });

  it('forces web search through the server tool when it is offered, and gives only-server-tool requests a choice', () => {
    expect(translate({ input: 'go', tools: [{ type: 'web_search' }], tool_choice: { type: 'web_search' } }).params.tool_choice).toEqual({
      type: 'tool',
      name: 'web_search',
    });
    expect(translate({ input: 'go', tools: [{ type: 'web_search' }], tool_choice: 'required' }).params.tool_choice).toEqual({ type: 'any' });
  });

  it('turns thinking off as the chat mapper does when the forced tool is the server search', () => {
    const forced = translate({ model: 'claude-sonnet-5-5', input: 'go', tools: [{ type: 'web_search' }], tool_choice: 'required', reasoning: { effort: 'high' } });
    expect(forced.params.tool_choice).toEqual({ type: 'any' });
    expect(forced.params.thinking).toEqual(thinkingOff('claude-sonnet-5-5').thinking);
    const free = translate({ model: 'claude-sonnet-5-5', input: 'go', tools: [{ type: 'web_search' }], reasoning: { effort: 'high' } });
    expect(free.params.thinking).toEqual({ type: 'adaptive', display: 'summarized' });
  });

  it.each([
    [{ tool_choice: { type: 'file_search' } }, 'tool_choice'],
    [{ tool_choice: { type: 'function', name: 'missing' } }, 'tool_choice'],
    [{ background: true }, 'background'],
  ])('refuses %j naming %s', (req, param) => {
    const error = fails(() => translate({ input: 'go', tools: [{ type: 'file_search' }], ...(req as Partial<ResponsesRequest>) }));
    expect(error.param).toBe(param);
  });

  it('names the Responses field when the chat mapper finds a problem', () => {
    expect(
      fails(() =>
        translate({}, [
          { role: 'user', content: 'x' },
          { role: 'user', content: [{ type: 'input_image', image_url: 'ftp://nope' }] },
        ]),
      ).param,
    ).toBe('input[1].content[0].image_url');
    expect(
      fails(() => translate({}, [{ role: 'user', content: 'x' }, { type: 'function_call', call_id: 'c', name: 'f', arguments: '{oops' }])).param,
    ).toBe('input[1].arguments');
    expect(fails(() => translate({}, [{ role: 'user', content: [{ type: 'input_file', file_id: 'file-1' }] }])).param).toBe(
      'input[0].content[0].file_data',
    );
    expect(fails(() => translate({}, [{ type: 'item_reference', id: 'msg_gone' }])).param).toBe('input[0].id');
    expect(
      fails(() => translate({}, [{ role: 'user', content: 'x' }, { type: 'reasoning', id: 'rs', summary: [], encrypted_content: 'ccp1.tampered' }])).param,
    ).toBe('input[1].encrypted_content');
    expect(fails(() => translate({}, [{ type: 'computer_call_output', id: 'x' }])).param).toBe('input[0].type');
    expect(fails(() => translate({}, [])).param).toBe('input');
  });

  it('maps text.format json_schema to output_config.format', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false };
    const { params } = translate({ input: 'go', text: { format: { type: 'json_schema', name: 'x', schema, strict: true } } });
    expect(params.output_config).toEqual({ format: { type: 'json_schema', schema } });
  });
});

describe('reasoning codec', () => {
  it('round-trips thinking and redacted thinking byte for byte', () => {
    const blocks = [
      { type: 'thinking' as const, thinking: 'ü 🧠\n"quoted"', signature: 'EqQBCkgIARABGAIiQ...' },
      { type: 'redacted_thinking' as const, data: 'opaque==' },
    ];
    expect(decodeThinking(encodeThinking(blocks), 'p')).toEqual(blocks);
  });

  it.each(['gAAAAABopenai-encrypted', 'ccp1.not-base64-json', `ccp1.${Buffer.from('[{"type":"text"}]').toString('base64url')}`])(
    'refuses %s, naming the field',
    (value) => {
      expect(fails(() => decodeThinking(value, 'input[2].encrypted_content')).param).toBe('input[2].encrypted_content');
    },
  );
});

describe('planTools / planToolChoice', () => {
  it('names each omitted type once', () => {
    expect(planTools([{ type: 'file_search' }, { type: 'file_search' }], { webSearch: true }).omitted).toEqual(['file_search']);
  });

  it('accepts allowed_tools by its mode', () => {
    const plan = planTools([{ type: 'function', name: 'f' }], { webSearch: true });
    expect(planToolChoice({ type: 'allowed_tools', mode: 'required' } as never, plan)).toEqual({ chat: 'required' });
  });
});
