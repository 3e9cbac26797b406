import { GatewayError } from '../../common/errors/gateway-error.js';
import type { ChatCompletionRequest, ChatMessage } from './openai.types.js';
import { type RequestDefaults, toAnthropicRequest } from './request.mapper.js';

/*
 * Client prompt-cache breakpoints in Anthropic's words (`cache_control`), as
 * LiteLLM, OpenRouter, Portkey and opencode send them: on a message, a
 * content part, a tool or a tool call; reconciled with automatic caching and
 * the API's four breakpoints per request.
 */

const EPHEMERAL = { type: 'ephemeral' } as const;
const HOUR = { type: 'ephemeral', ttl: '1h' } as const;
const auto = (ttl: '5m' | '1h' = '5m'): RequestDefaults => ({ maxTokens: () => 100, promptCache: { mode: 'auto', ttl } });
const map = (req: Partial<ChatCompletionRequest>, defaults = auto()) =>
  toAnthropicRequest({ model: 'claude-x', messages: [{ role: 'user', content: 'hi' }], ...req }, defaults);
const call = (id: string, extra = {}) => ({ id, type: 'function' as const, function: { name: 'f', arguments: '{}' }, ...extra });
const text = (t: string, extra = {}) => ({ type: 'text' as const, text: t, ...extra });

describe('cache_control from the client', () => {
  it.each<[string, ChatMessage[], unknown]>([
    ['a string message', [{ role: 'user', content: 'doc', cache_control: EPHEMERAL }], [{ role: 'user', content: [text('doc', { cache_control: EPHEMERAL })] }]],
    [
      'a message with parts: its last block',
      [{ role: 'user', content: [text('a'), text('b')], cache_control: HOUR }],
      [{ role: 'user', content: [text('a'), text('b', { cache_control: HOUR })] }],
    ],
    [
      'a content part',
      [{ role: 'user', content: [text('a', { cache_control: EPHEMERAL }), text('b')] }],
      [{ role: 'user', content: [text('a', { cache_control: EPHEMERAL }), text('b')] }],
    ],
    [
      'a tool call, and a tool result message',
      [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: null, tool_calls: [call('t1', { cache_control: EPHEMERAL })] },
        { role: 'tool', tool_call_id: 't1', content: 'r', cache_control: EPHEMERAL },
      ],
      [
        { role: 'user', content: [text('q')] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {}, cache_control: EPHEMERAL }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'r', cache_control: EPHEMERAL }] },
      ],
    ],
    [
      'an assistant message with text and calls: the last call',
      [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'x', tool_calls: [call('t1'), call('t2')], cache_control: EPHEMERAL },
        { role: 'tool', tool_call_id: 't1', content: 'r' },
        { role: 'tool', tool_call_id: 't2', content: 'r' },
      ],
      expect.arrayContaining([
        { role: 'assistant', content: [text('x'), { type: 'tool_use', id: 't1', name: 'f', input: {} }, { type: 'tool_use', id: 't2', name: 'f', input: {}, cache_control: EPHEMERAL }] },
      ]),
    ],
    [
      'a message whose part has its own: the part’s wins, counted once',
      [{ role: 'user', content: [text('a', { cache_control: HOUR })], cache_control: EPHEMERAL }],
      [{ role: 'user', content: [text('a', { cache_control: HOUR })] }],
    ],
  ])('on %s', (_name, messages, expected) => {
    expect(map({ messages }).messages).toEqual(expected);
  });

  it('on a system message: its block in the system prompt', () => {
    const out = map({ messages: [{ role: 'system', content: 'rules', cache_control: EPHEMERAL }, { role: 'user', content: [text('q', { cache_control: EPHEMERAL })] }] });
    expect(out.system).toEqual([text('rules', { cache_control: EPHEMERAL })]);
  });

  it('on a tool', () => {
    const out = map({ tools: [{ type: 'function', function: { name: 'f' }, cache_control: HOUR }] });
    expect(out.tools).toEqual([{ name: 'f', input_schema: { type: 'object', properties: {} }, cache_control: HOUR }]);
  });

  it('is kept with PROMPT_CACHE=off: the client’s own breakpoints win', () => {
    const out = map({ messages: [{ role: 'user', content: 'q', cache_control: EPHEMERAL }] }, { maxTokens: () => 1, promptCache: { mode: 'off', ttl: '5m' } });
    expect(out.messages[0].content).toEqual([text('q', { cache_control: EPHEMERAL })]);
    expect(out.cache_control).toBeUndefined();
  });
});

describe('reconciled with automatic caching', () => {
  const withBreakpoints = (n: number, ttl?: '5m' | '1h'): ChatMessage[] =>
    Array.from({ length: n }, (_, i) => ({ role: 'user' as const, content: `m${i}`, cache_control: ttl ? { type: 'ephemeral' as const, ttl } : EPHEMERAL }));

  it.each([
    [0, { type: 'ephemeral' }],
    [3, { type: 'ephemeral' }],
    // Four of the client's own use every slot: the automatic one makes way.
    [4, undefined],
  ])('with %i client breakpoints the top-level cache_control is %j', (n, expected) => {
    expect(map({ messages: [...withBreakpoints(n), { role: 'user', content: 'q' }] }).cache_control).toEqual(expected);
  });

  it('refuses a fifth breakpoint, as the API would, naming it', () => {
    const error = (() => {
      try {
        map({ messages: withBreakpoints(4), tools: [{ type: 'function', function: { name: 'f' }, cache_control: EPHEMERAL }] });
      } catch (e) {
        return e as GatewayError;
      }
    })();
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 400, param: 'tools[0].cache_control' });
  });

  it('counts prompt_cache_breakpoint and cache_control together', () => {
    const messages: ChatMessage[] = [
      ...withBreakpoints(3),
      { role: 'user', content: [text('a', { prompt_cache_breakpoint: { mode: 'explicit' } }), text('b', { prompt_cache_breakpoint: { mode: 'explicit' } })] },
    ];
    expect(() => map({ messages })).toThrow(expect.objectContaining({ param: 'messages[3].content[1].prompt_cache_breakpoint' }));
  });

  it.each([
    ['1h', '5m', { type: 'ephemeral' }],
    ['1h', '1h', { type: 'ephemeral', ttl: '1h' }],
    ['5m', '1h', { type: 'ephemeral' }],
  ] as const)('PROMPT_CACHE_TTL=%s with a client %s breakpoint: the automatic one (last) is %j, never outliving an earlier one', (policy, client, expected) => {
    expect(map({ messages: [...withBreakpoints(1, client), { role: 'user', content: 'q' }] }, auto(policy)).cache_control).toEqual(expected);
  });

  it.each([
    [{ type: 'persistent' }, 'messages[0].cache_control.type'],
    [{ type: 'ephemeral', ttl: '30m' }, 'messages[0].cache_control.ttl'],
    ['ephemeral', 'messages[0].cache_control'],
  ])('refuses %j, naming %s', (control, param) => {
    expect(() => map({ messages: [{ role: 'user', content: 'q', cache_control: control as never }] })).toThrow(expect.objectContaining({ status: 400, param }));
  });
});
