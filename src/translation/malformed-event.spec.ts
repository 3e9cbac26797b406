import { GatewayError } from '../common/gateway-error.js';
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
});
