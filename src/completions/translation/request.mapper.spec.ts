import { toAnthropicRequest } from './request.mapper.js';
import type { ChatCompletionRequest, ChatMessage } from './openai.types.js';
import { GatewayError } from '../../common/gateway-error.js';

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
