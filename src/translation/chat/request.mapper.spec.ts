import { callsAwaitingThinking, mapRequest, type ServerTools, toAnthropicRequest } from './request.mapper.js';
import { thinkingOff } from '../shared/thinking.js';
import type { ChatCompletionRequest, ChatMessage } from './openai.types.js';
import { GatewayError } from '../../common/errors/gateway-error.js';

const defaults = { maxTokens: () => 1000 };
const map = (req: Partial<ChatCompletionRequest>) =>
  toAnthropicRequest({ model: 'claude-x', messages: [{ role: 'user', content: 'hi' }], ...req }, defaults);
const mapMessages = (messages: ChatMessage[]) => map({ messages });
const text = (t: string) => ({ type: 'text' as const, text: t });

describe('toAnthropicRequest', () => {
  it('always sets max_tokens: max_completion_tokens, then max_tokens, then the default', () => {
    expect(map({}).max_tokens).toBe(1000);
    expect(map({ max_tokens: 5 }).max_tokens).toBe(5);
    expect(map({ max_tokens: 5, max_completion_tokens: 7 }).max_tokens).toBe(7);
  });

  it('keeps system and developer text in order, wherever they stand', () => {
    const out = mapMessages([
      { role: 'developer', content: 'a' },
      { role: 'user', content: 'u' },
      { role: 'system', content: [text('b'), text('c')] },
    ]);
    expect(out.system).toEqual([text('a'), text('b'), text('c')]);
    expect(out.messages).toEqual([{ role: 'user', content: [text('u')] }]);
  });

  it('drops empty text, which the Messages API rejects, and assistant turns left with nothing', () => {
    const out = mapMessages([
      { role: 'system', content: [text(''), text('s')] },
      { role: 'user', content: [text(''), text('x')] },
      { role: 'assistant', content: '' },
      { role: 'user', content: 'y' },
      { role: 'assistant', content: '', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '' } }] },
    ]);
    expect(out.system).toEqual([text('s')]);
    expect(out.messages).toEqual([
      { role: 'user', content: [text('x'), text('y')] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'c', name: 'f', input: {} }] },
    ]);
  });

  it('drops an empty user message that would merge into the turn before it', () => {
    const out = mapMessages([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 't', content: 'r' },
      { role: 'user', content: '' },
    ]);
    expect(out.messages[2]).toEqual({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'r' }] });
  });

  it('puts tool results first when a user message precedes them in the same turn', () => {
    const out = mapMessages([
      { role: 'user', content: 'before' },
      { role: 'tool', tool_call_id: 't', content: 'r' },
    ]);
    expect(out.messages[0].content).toEqual([{ type: 'tool_result', tool_use_id: 't', content: 'r' }, text('before')]);
  });

  it.each([
    ['data:image/jpeg;base64,AAA', { type: 'base64', media_type: 'image/jpeg', data: 'AAA' }],
    ['data:IMAGE/WEBP;base64,BBB', { type: 'base64', media_type: 'image/webp', data: 'BBB' }],
    ['http://host/a.gif', { type: 'url', url: 'http://host/a.gif' }],
  ])('image %s', (url, source) => {
    const out = mapMessages([{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }]);
    expect(out.messages[0].content).toEqual([{ type: 'image', source }]);
  });

  it('maps a PDF file part to a document block', () => {
    const out = mapMessages([{ role: 'user', content: [{ type: 'file', file: { file_data: 'data:application/pdf;base64,JVBE' } }] }]);
    expect(out.messages[0].content).toEqual([
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' } },
    ]);
  });

  it.each<[string, ChatMessage[], string]>([
    ['a non-image data URL', [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:text/plain;base64,eA==' } }] }], 'messages[0].content[0].image_url.url'],
    ['a relative image URL', [{ role: 'user', content: [{ type: 'image_url', image_url: { url: '/a.png' } }] }], 'messages[0].content[0].image_url.url'],
    ['a file_id', [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-1' } }] }], 'messages[0].content[0].file'],
    ['an image in a system message', [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'http://x' } }] }, { role: 'user', content: 'x' }], 'messages[0].content[0]'],
    ['arguments that are a JSON array', [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '[1]' } }] }], 'messages[0].tool_calls[0].function.arguments'],
    ['no user or assistant turn', [{ role: 'system', content: 'x' }], 'messages'],
    ['a final empty user message after the assistant', [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'a' }, { role: 'user', content: '' }], 'messages[2].content'],
    ['only an empty user message', [{ role: 'user', content: null }], 'messages'],
    ['a file in an assistant message', [{ role: 'user', content: 'x' }, { role: 'assistant', content: [{ type: 'file', file: { file_data: 'data:application/pdf;base64,JVBE' } }] }], 'messages[1].content[0]'],
  ])('rejects %s, naming %s', (_name, messages, param) => {
    const error = (() => {
      try {
        mapMessages(messages);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).param).toBe(param);
  });

  it('maps output options', () => {
    expect(map({ reasoning_effort: 'minimal' }).output_config).toEqual({ effort: 'low' });
    // An unknown (newer) model may not be able to turn thinking off: it is steered down instead.
    expect(map({ reasoning_effort: 'none' }).output_config).toEqual({ effort: 'low' });
    expect(map({ response_format: { type: 'json_object' } }).output_config).toBeUndefined();
  });

  it('leaves tool_choice out without tools, as there is nothing to choose', () => {
    expect(map({ tool_choice: 'required' }).tool_choice).toBeUndefined();
  });

  it('passes strict through on tools', () => {
    const out = map({ tools: [{ type: 'function', function: { name: 'f', strict: true, parameters: { type: 'object' } } }] });
    expect(out.tools).toEqual([{ name: 'f', strict: true, input_schema: { type: 'object', properties: {}, additionalProperties: false } }]);
  });
});

const call = (id: string, name = 'f') => ({ id, type: 'function' as const, function: { name, arguments: '{}' } });
const signed = { type: 'thinking' as const, thinking: 'hm', signature: 'c2ln' };
const withModel = (model: string, req: Partial<ChatCompletionRequest>, extra: Partial<typeof defaults> & Record<string, unknown> = {}) =>
  toAnthropicRequest({ model, messages: [{ role: 'user', content: 'hi' }], ...req }, { ...defaults, ...extra });

describe('system and developer messages after the conversation started', () => {
  const messages: ChatMessage[] = [
    { role: 'system', content: 'lead' },
    { role: 'user', content: 'u1' },
    { role: 'developer', content: 'note 1' },
    { role: 'system', content: 'note 2' },
    { role: 'assistant', content: 'a' },
    { role: 'system', content: 'after assistant' },
    { role: 'user', content: 'u2' },
  ];

  it.each([
    ['claude-opus-4-8', ['lead', 'after assistant'], ['user', 'system', 'assistant', 'user']],
    ['claude-opus-5-5', ['lead', 'after assistant'], ['user', 'system', 'assistant', 'user']],
    ['claude-opus-4-7', ['lead', 'note 1', 'note 2', 'after assistant'], ['user', 'assistant', 'user']],
  ])('%s: system %j, turns %j', (model, system, roles) => {
    const out = withModel(model, { messages });
    expect((out.system as Array<{ text: string }>).map((b) => b.text)).toEqual(system);
    expect(out.messages.map((m) => m.role)).toEqual(roles);
  });

  it('merges consecutive in-place notes into one system turn', () => {
    const out = withModel('claude-opus-4-8', { messages });
    expect(out.messages[1]).toEqual({ role: 'system', content: [text('note 1'), text('note 2')] });
  });
});

describe('legacy functions', () => {
  // One call at a time: the legacy answer carries one `function_call` (legacy-functions.spec.ts).
  it.each<[Partial<ChatCompletionRequest>, unknown]>([
    [{ function_call: 'none' }, { type: 'none' }],
    [{ function_call: 'auto' }, { type: 'auto', disable_parallel_tool_use: true }],
    [{ function_call: { name: 'f' } }, { type: 'tool', name: 'f', disable_parallel_tool_use: true }],
    [{ function_call: { name: 'f' }, tool_choice: 'required' }, { type: 'any', disable_parallel_tool_use: true }],
  ])('%j → tool_choice %j', (req, choice) => {
    expect(map({ functions: [{ name: 'f' }], ...req }).tool_choice).toEqual(choice);
  });

  it('pairs each function result with the latest unanswered call of its name', () => {
    const out = mapMessages([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: null, function_call: { name: 'f', arguments: '{"a":1}' } },
      { role: 'function', name: 'f', content: 'r1' },
      { role: 'assistant', content: null, function_call: { name: 'f', arguments: '{}' } },
      { role: 'function', name: 'f', content: 'r2' },
    ]);
    const ids = out.messages.flatMap((m) => (m.content as Array<{ id?: string; tool_use_id?: string }>).map((b) => b.id ?? b.tool_use_id));
    expect(ids).toEqual([undefined, 'call_legacy_1', 'call_legacy_1', 'call_legacy_3', 'call_legacy_3']);
  });
});

describe('tool-call ids', () => {
  it('maps ids upstream refuses, identically in the call and its result', () => {
    const out = mapMessages([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: null, tool_calls: [call('functions.f:0'), call('ok_id')] },
      { role: 'tool', tool_call_id: 'functions.f:0', content: 'r' },
      { role: 'tool', tool_call_id: 'ok_id', content: 'r' },
    ]);
    const [, assistant, results] = out.messages as Array<{ content: Array<{ id?: string; tool_use_id?: string }> }>;
    expect(assistant.content[0].id).toMatch(/^functions_f_0_[0-9a-f]{10}$/);
    expect(results.content[0].tool_use_id).toBe(assistant.content[0].id);
    expect(assistant.content[1].id).toBe('ok_id');
  });
});

describe('thinking replay', () => {
  const loop = (assistant: Partial<ChatMessage> = {}): ChatMessage[] => [
    { role: 'user', content: 'q' },
    { role: 'assistant', content: null, tool_calls: [call('toolu_1')], ...assistant },
    { role: 'tool', tool_call_id: 'toolu_1', content: 'r' },
  ];

  it.each<[string, Partial<ChatMessage>, ((id: string) => typeof signed[] | undefined) | undefined]>([
    ['from thinking_blocks', { thinking_blocks: [signed] }, undefined],
    ['from reasoning_details', { reasoning_details: [{ type: 'reasoning.text', text: 'hm', signature: 'c2ln' }] }, undefined],
    ['from the gateway cache, by tool-call id', {}, (id) => (id === 'toolu_1' ? [signed] : undefined)],
  ])('puts the signed block first in the turn that called the tool, %s', (_, assistant, recallThinking) => {
    const out = withModel('claude-sonnet-5-5', { messages: loop(assistant), reasoning_effort: 'high' }, { recallThinking });
    expect(out.messages[1].content).toEqual([signed, { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} }]);
    expect(out.thinking).toEqual({ type: 'adaptive', display: 'summarized' });
  });

  it.each([
    ['claude-sonnet-5-5', { type: 'between_tools' }],
    ['claude-opus-4-8', { type: 'disabled' }],
    ['claude-opus-5-5', undefined],
  ])('%s without the block anywhere: thinking off for that turn (%j), effort kept', (model, thinking) => {
    const out = withModel(model, { messages: loop(), reasoning_effort: 'high' });
    expect(out.thinking).toEqual(thinking);
    expect(out.output_config).toEqual({ effort: 'high' });
  });

  it('turns thinking off when the tool choice forces a tool, which thinking does not allow', () => {
    const out = withModel('claude-opus-4-8', {
      reasoning_effort: 'high',
      tools: [{ type: 'function', function: { name: 'f' } }],
      tool_choice: 'required',
    });
    expect(out.thinking).toEqual({ type: 'disabled' });
  });
});

describe('server tools another endpoint offers', () => {
  const search = { type: 'web_search_20250305' as const, name: 'web_search' as const };
  const withServer = (req: Partial<ChatCompletionRequest>, server: ServerTools) =>
    mapRequest({ model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: 'hi' }], ...req }, defaults, server).request;
  const fn = { type: 'function' as const, function: { name: 'f' } };

  it('offers them after the function tools', () => {
    expect(withServer({ tools: [fn] }, { tools: [search] }).tools).toEqual([
      { name: 'f', input_schema: { type: 'object', properties: {} } },
      search,
    ]);
  });

  it.each<[Partial<ChatCompletionRequest>, ServerTools['choice'], unknown]>([
    [{}, undefined, undefined],
    [{ tool_choice: 'required' }, undefined, { type: 'any' }],
    [{ parallel_tool_calls: false }, undefined, { type: 'auto', disable_parallel_tool_use: true }],
    [{ tools: [fn], tool_choice: 'auto' }, { type: 'tool', name: 'web_search' }, { type: 'tool', name: 'web_search' }],
  ])('with server tools only or beside functions, %j and the server choice %j → tool_choice %j', (req, choice, expected) => {
    expect(withServer(req, { tools: [search], choice }).tool_choice).toEqual(expected);
  });

  it('turns thinking off when the choice forces a server tool, effort kept', () => {
    const forced = withServer({ reasoning_effort: 'high' }, { tools: [search], choice: { type: 'tool', name: 'web_search' } });
    expect(forced.thinking).toEqual(thinkingOff('claude-sonnet-5-5').thinking);
    expect(forced.output_config).toEqual({ effort: 'high' });
    expect(withServer({ reasoning_effort: 'high', tool_choice: 'required' }, { tools: [search] }).thinking).toEqual(
      thinkingOff('claude-sonnet-5-5').thinking,
    );
    expect(withServer({ reasoning_effort: 'high' }, { tools: [search] }).thinking).toEqual({ type: 'adaptive', display: 'summarized' });
  });
});

describe('caching', () => {
  const cache = { promptCache: { mode: 'auto' as const, ttl: '5m' as const } };

  it('adds automatic caching, and per-part breakpoints on their blocks', () => {
    const out = withModel('claude-x', { messages: [{ role: 'user', content: [{ ...text('doc'), prompt_cache_breakpoint: { mode: 'explicit' } }] }] }, cache);
    expect(out.cache_control).toEqual({ type: 'ephemeral' });
    expect(out.messages[0].content).toEqual([{ ...text('doc'), cache_control: { type: 'ephemeral' } }]);
  });

  it('leaves automatic caching out when the client asks for explicit breakpoints only', () => {
    expect(withModel('claude-x', { prompt_cache_options: { mode: 'explicit' } }, cache).cache_control).toBeUndefined();
  });
});

describe('output the request asks for', () => {
  it('JSON mode is an instruction at the end of the system prompt', () => {
    const out = map({ response_format: { type: 'json_object' } });
    expect(out.system).toEqual([expect.objectContaining({ text: expect.stringMatching(/one valid JSON object/) })]);
  });
});

describe('mapRequest paths', () => {
  it('names, for every upstream block, the client field it came from', () => {
    const { paths } = mapRequest(
      {
        model: 'claude-opus-4-8',
        messages: [
          { role: 'system', content: 'lead' },
          { role: 'user', content: 'a' },
          { role: 'user', content: [text('b'), text('c')] },
          { role: 'developer', content: 'note' },
          { role: 'assistant', content: 'x', tool_calls: [call('t1')], thinking_blocks: [signed] },
          { role: 'tool', tool_call_id: 't1', content: 'r' },
        ],
      },
      defaults,
    );
    expect(paths).toEqual([
      ['messages[1].content', 'messages[2].content[0]', 'messages[2].content[1]'],
      ['messages[3].content'],
      ['messages[4]', 'messages[4].content', 'messages[4].tool_calls[0]'],
      ['messages[5]'],
    ]);
  });
});

describe('a conversation that opens with the assistant', () => {
  const placeholder = { role: 'user', content: [text('.')] };

  it.each<[string, ChatMessage[], unknown[]]>([
    [
      'a greeting before the first question',
      [{ role: 'assistant', content: 'Hello! How can I help?' }, { role: 'user', content: 'Weather?' }],
      [placeholder, { role: 'assistant', content: [text('Hello! How can I help?')] }, { role: 'user', content: [text('Weather?')] }],
    ],
    [
      'a greeting after the system prompt',
      [{ role: 'system', content: 's' }, { role: 'assistant', content: 'Hi' }, { role: 'user', content: 'q' }],
      [placeholder, { role: 'assistant', content: [text('Hi')] }, { role: 'user', content: [text('q')] }],
    ],
    [
      'an empty assistant turn first (dropped, nothing to put before)',
      [{ role: 'assistant', content: '' }, { role: 'user', content: 'q' }],
      [{ role: 'user', content: [text('q')] }],
    ],
    ['a user turn first (unchanged)', [{ role: 'user', content: 'q' }], [{ role: 'user', content: [text('q')] }]],
  ])('%s', (_name, messages, expected) => {
    expect(mapMessages(messages).messages).toEqual(expected);
  });

  it('names the client’s messages for every block after the placeholder', () => {
    const { paths } = mapRequest({ model: 'm', messages: [{ role: 'assistant', content: 'Hi' }, { role: 'user', content: 'q' }] }, defaults);
    expect(paths).toEqual([[''], ['messages[0].content'], ['messages[1].content']]);
  });
});

describe('response_format json_object with a schema', () => {
  const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };

  it.each<[string, ChatCompletionRequest['response_format'], unknown, boolean]>([
    [
      'json_object with a schema: structured output, no instruction',
      { type: 'json_object', schema },
      { type: 'json_schema', schema: { ...schema, additionalProperties: false } },
      false,
    ],
    ['json_object without: the instruction', { type: 'json_object' }, undefined, true],
    ['json_object with an empty schema: the instruction', { type: 'json_object', schema: {} }, undefined, true],
    [
      'json_schema: structured output',
      { type: 'json_schema', json_schema: { name: 'x', schema } },
      { type: 'json_schema', schema: { ...schema, additionalProperties: false } },
      false,
    ],
  ])('%s', (_name, format, expected, instructed) => {
    const out = map({ response_format: format });
    expect(out.output_config?.format).toEqual(expected);
    expect(out.system !== undefined).toBe(instructed);
  });

  it('names response_format.schema when the schema is one Claude cannot use', () => {
    expect(() => map({ response_format: { type: 'json_object', schema: { type: 'object', properties: { a: {} } } } })).toThrow(
      expect.objectContaining({ status: 400, param: 'response_format.schema' }),
    );
  });
});

describe('callsAwaitingThinking', () => {
  it('names the first tool call of each assistant turn without signed thinking, and no legacy function_call (no id a client sends back)', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_a', type: 'function', function: { name: 'w', arguments: '{}' } }, { id: 'toolu_b', type: 'function', function: { name: 'w', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'toolu_a', content: '1' },
      { role: 'tool', tool_call_id: 'toolu_b', content: '2' },
      { role: 'assistant', content: null, function_call: { name: 'w', arguments: '{}' } },
      { role: 'function', name: 'w', content: '3' },
      { role: 'assistant', content: 'Sunny.' },
    ];
    expect(callsAwaitingThinking(messages)).toEqual(['toolu_a']);
  });
});
