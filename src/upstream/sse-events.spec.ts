import Anthropic from '@anthropic-ai/sdk';
import { eventData, eventName, sseEvents } from './sse-events.js';

async function* chunks(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? Buffer.from(part) : part;
}

async function collect(source: AsyncIterable<Uint8Array>) {
  const events: { type: string; text: string }[] = [];
  try {
    for await (const event of sseEvents(source)) events.push(event);
  } catch (error) {
    return { events, error };
  }
  return { events, error: undefined };
}

const START = 'event: message_start\ndata: {"type":"message_start"}\n\n';
const DELTA = 'event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"text":"é👩‍💻"}}\n\n';

describe('sseEvents', () => {
  it('yields each event as upstream wrote it, however the bytes were cut, a character split across chunks included', async () => {
    const bytes = Buffer.from(START + DELTA);
    const cut = [bytes.subarray(0, 7), bytes.subarray(7, START.length + 81), bytes.subarray(START.length + 81)];
    const { events, error } = await collect(chunks(...cut));
    expect(error).toBeUndefined();
    expect(events).toEqual([
      { type: 'message_start', text: START },
      { type: 'content_block_delta', text: DELTA },
    ]);
    expect(events.map((e) => e.text).join('')).toBe(bytes.toString('utf8'));
  });

  it('takes CRLF line ends, names an event without an event line `message`, and drops an unfinished last event', async () => {
    const crlf = 'event: ping\r\ndata: {"type":"ping"}\r\n\r\n';
    const { events } = await collect(chunks(crlf + 'data: {}\n\n' + 'event: message_stop\ndata: {"ty'));
    expect(events).toEqual([
      { type: 'ping', text: crlf },
      { type: 'message', text: 'data: {}\n\n' },
    ]);
  });

  it('relays an error event, then fails with it as the SDK would (its status found from its type)', async () => {
    const error = 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
    const { events, error: thrown } = await collect(chunks(START, error, START));
    expect(events.map((e) => e.type)).toEqual(['message_start', 'error']);
    expect(thrown).toBeInstanceOf(Anthropic.APIError);
    expect((thrown as InstanceType<typeof Anthropic.APIError>).error).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  });
});

describe('eventName and eventData', () => {
  it('read the event field wherever it is, and the data lines joined', () => {
    expect(eventName('id: 1\nevent:message_delta\ndata: {}\n\n')).toBe('message_delta');
    expect(eventName(': comment\n\n')).toBe('message');
    expect(eventData('event: x\ndata: {"a":\ndata: 1}\n\n')).toEqual({ a: 1 });
    expect(eventData('event: x\ndata: not json\n\n')).toBeUndefined();
  });
});
