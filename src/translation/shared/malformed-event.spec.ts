import { GatewayError } from '../../common/errors/gateway-error.js';
import { mapGuarded } from './malformed-event.js';

describe('mapGuarded', () => {
  const readMessage = (_state: null, event: { type?: unknown; message?: { id: string } | null }) => event.message!.id;

  it('passes the mapping through', () => {
    expect(mapGuarded(readMessage, null, { type: 'message_start', message: { id: 'm' } })).toBe('m');
  });

  it('makes a mapper that trips over the event a 502 upstream_malformed_event naming it', () => {
    let thrown: unknown;
    try {
      mapGuarded(readMessage, null, { type: 'message_start', message: null });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GatewayError);
    expect((thrown as GatewayError).toBody().error).toEqual({
      message: 'The upstream Anthropic API sent a malformed message_start event.',
      type: 'api_error',
      param: null,
      code: 'upstream_malformed_event',
    });
    expect((thrown as GatewayError).status).toBe(502);
  });

  it('names an event without a type "unknown"', () => {
    expect(() => mapGuarded(readMessage, null, { type: 7 })).toThrow('malformed unknown event');
  });

  it('keeps a GatewayError the mapper throws on purpose', () => {
    const own = new GatewayError(502, 'too large', { code: 'answer_too_large' });
    expect(() =>
      mapGuarded(() => {
        throw own;
      }, null, { type: 'content_block_delta' }),
    ).toThrow(own);
  });

  const pass = (_state: null, event: unknown) => event;

  it.each([
    ['a text_delta whose text is not text', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: [] } }],
    ['a thinking_delta without its thinking', { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta' } }],
    ['an input_json_delta with a number', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: 1 } }],
    ['a tool_use whose name is not text', { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 't', name: false, input: {} } }],
    ['a thinking start whose thinking is a list', { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: [] } }],
  ])('refuses %s, which would otherwise travel on into an answer', (_name, event) => {
    expect(() => mapGuarded(pass, null, event)).toThrow(/malformed content_block_(delta|start) event/);
  });

  it.each([
    ['a thinking start without a signature, as documented', { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } }],
    ['a citations_delta', { type: 'content_block_delta', index: 0, delta: { type: 'citations_delta', citation: {} } }],
    ['a delta of a kind newer than the SDK', { type: 'content_block_delta', index: 0, delta: { type: 'future_delta', x: 1 } }],
    ['a text start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
  ])('passes %s', (_name, event) => {
    expect(mapGuarded(pass, null, event)).toBe(event);
  });
});
