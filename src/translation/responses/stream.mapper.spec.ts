import type Anthropic from '@anthropic-ai/sdk';
import { decodeThinking } from './reasoning-codec.js';
import { responseSkeleton } from './response.skeleton.js';
import { answerView, clientView, createResponsesStreamState, eventToResponseEvents, failureEvents, toResponseUsage } from './stream.mapper.js';

type Event = Anthropic.RawMessageStreamEvent;
const start = (usage = {}) =>
  ({ type: 'message_start', message: { id: 'msg_9', usage: { input_tokens: 5, output_tokens: 1, ...usage } } }) as unknown as Event;
const blockStart = (index: number, content_block: unknown) => ({ type: 'content_block_start', index, content_block }) as Event;
const delta = (index: number, d: unknown) => ({ type: 'content_block_delta', index, delta: d }) as Event;
const stop = (index: number) => ({ type: 'content_block_stop', index }) as Event;
const messageDelta = (stop_reason: string, usage = {}) =>
  ({ type: 'message_delta', delta: { stop_reason }, usage: { output_tokens: 9, ...usage } }) as unknown as Event;
const end = { type: 'message_stop' } as Event;

function run(
  events: Event[],
  options: { includeEncrypted?: boolean; names?: Map<string, { name: string; namespace?: string; custom?: boolean }>; jsonMode?: boolean } = {},
) {
  const state = createResponsesStreamState(responseSkeleton({ model: 'client-model' }, 'resp_abc', 1_000_000), {
    includeEncrypted: options.includeEncrypted ?? false,
    names: options.names ?? new Map(),
    jsonMode: options.jsonMode,
  });
  const out = events.flatMap((e) => eventToResponseEvents(state, e));
  return { state, out, types: out.map((e) => e.type) };
}

describe('eventToResponseEvents', () => {
  it('streams text as one message item, numbering every event in order', () => {
    const { out, types, state } = run([
      start(),
      blockStart(0, { type: 'text', text: '' }),
      delta(0, { type: 'text_delta', text: 'Hel' }),
      delta(0, { type: 'text_delta', text: 'lo' }),
      stop(0),
      messageDelta('end_turn'),
      end,
    ]);
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(out.map((e) => e.sequence_number)).toEqual(out.map((_, i) => i));
    expect(out[0]).toMatchObject({ response: { id: 'resp_abc', status: 'in_progress', model: 'client-model', output: [] } });
    expect(out[6]).toMatchObject({ item_id: 'msg_abc_0', output_index: 0, content_index: 0, text: 'Hello' });
    expect(out[9].response).toMatchObject({
      status: 'completed',
      incomplete_details: null,
      output: [{ type: 'message', id: 'msg_abc_0', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Hello', annotations: [] }] }],
      usage: { input_tokens: 5, output_tokens: 9, total_tokens: 14, input_tokens_details: { cached_tokens: 0 } },
    });
    expect(state.finished).toBe(true);
  });

  it('in JSON mode, takes a Markdown fence off the text, in the deltas and the done text alike', () => {
    const pieces = ['``', '`json\n{"a"', ':1}', '\n`', '``'];
    const { out, state } = run(
      [start(), blockStart(0, { type: 'text', text: '' }), ...pieces.map((text) => delta(0, { type: 'text_delta', text })), stop(0), messageDelta('end_turn'), end],
      { jsonMode: true },
    );
    const deltas = out.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta as string);
    expect(deltas.join('')).toBe('{"a":1}');
    expect(out.find((e) => e.type === 'response.output_text.done')).toMatchObject({ text: '{"a":1}' });
    expect(state.response.output[0]).toMatchObject({ content: [{ text: '{"a":1}' }] });
  });

  it('in JSON mode, passes unfenced text on as it is, and leaves a fence alone without it', () => {
    const text = (jsonMode: boolean, t: string) =>
      run([start(), blockStart(0, { type: 'text', text: '' }), delta(0, { type: 'text_delta', text: t }), stop(0), messageDelta('end_turn'), end], { jsonMode })
        .state.response.output[0];
    expect(text(true, '{"a":1}')).toMatchObject({ content: [{ text: '{"a":1}' }] });
    expect(text(false, '```json\n{"a":1}\n```')).toMatchObject({ content: [{ text: '```json\n{"a":1}\n```' }] });
  });

  it('carries each item and part as it was when its event was made, though the stream goes on filling them', () => {
    const { out } = run([start(), blockStart(0, { type: 'text', text: 'Hi' }), delta(0, { type: 'text_delta', text: '!' }), stop(0), messageDelta('end_turn'), end]);
    expect(out.find((e) => e.type === 'response.output_item.added')?.item).toMatchObject({ content: [], status: 'in_progress' });
    expect(out.find((e) => e.type === 'response.content_part.added')?.part).toMatchObject({ text: '' });
    expect(out.find((e) => e.type === 'response.output_item.done')?.item).toMatchObject({ content: [{ text: 'Hi!' }], status: 'completed' });
    expect(out[0].response).toMatchObject({ status: 'in_progress', output: [] });
  });

  it('streams thinking as a reasoning summary and keeps the signed block for the store, showing it only when included', () => {
    const events = [
      start(),
      blockStart(0, { type: 'thinking', thinking: '', signature: '' }),
      delta(0, { type: 'thinking_delta', thinking: 'Let me ' }),
      delta(0, { type: 'thinking_delta', thinking: 'think.' }),
      delta(0, { type: 'signature_delta', signature: 'SIG==' }),
      stop(0),
      blockStart(1, { type: 'text', text: '' }),
      delta(1, { type: 'text_delta', text: 'Done' }),
      stop(1),
      messageDelta('end_turn'),
      end,
    ];
    const hidden = run(events);
    expect(hidden.types.slice(2, 8)).toEqual([
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
    ]);
    const done = hidden.out.find((e) => e.type === 'response.output_item.done')!;
    expect(done.item).toEqual({ type: 'reasoning', id: 'rs_abc_0', summary: [{ type: 'summary_text', text: 'Let me think.' }], status: 'completed' });
    const kept = hidden.state.response.output[0] as { encrypted_content: string };
    expect(decodeThinking(kept.encrypted_content, 'x')).toEqual([{ type: 'thinking', thinking: 'Let me think.', signature: 'SIG==' }]);

    const shown = run(events, { includeEncrypted: true });
    const final = shown.out[shown.out.length - 1].response as { output: Array<{ encrypted_content?: string }> };
    expect(final.output[0].encrypted_content).toBe(kept.encrypted_content);

    // The non-streaming answer: the same view, copied only when something is hidden.
    expect(answerView(hidden.state).output[0]).not.toHaveProperty('encrypted_content');
    expect(answerView(hidden.state)).not.toBe(hidden.state.response);
    expect(answerView(hidden.state)).toEqual(clientView(hidden.state));
    expect(answerView(shown.state)).toBe(shown.state.response);
    const plain = run([start(), blockStart(0, { type: 'text', text: 'Hi' }), stop(0), messageDelta('end_turn'), end]);
    expect(answerView(plain.state)).toBe(plain.state.response);
    expect(answerView(plain.state)).toEqual(clientView(plain.state));
  });

  it('streams tool calls with their arguments, the client names back, and ends incomplete-free on tool_use', () => {
    const names = new Map([['fs__list', { name: 'list', namespace: 'fs' }]]);
    const { out, state } = run(
      [
        start(),
        blockStart(0, { type: 'text', text: 'Looking.' }),
        stop(0),
        blockStart(1, { type: 'tool_use', id: 'toolu_1', name: 'fs__list', input: {} }),
        delta(1, { type: 'input_json_delta', partial_json: '{"p":' }),
        delta(1, { type: 'input_json_delta', partial_json: '"/"}' }),
        stop(1),
        blockStart(2, { type: 'tool_use', id: 'toolu_2', name: 'now', input: {} }),
        stop(2),
        messageDelta('tool_use'),
        end,
      ],
      { names },
    );
    const args = out.filter((e) => e.type.startsWith('response.function_call_arguments'));
    expect(args).toEqual([
      expect.objectContaining({ type: 'response.function_call_arguments.delta', item_id: 'fc_abc_1', output_index: 1, delta: '{"p":' }),
      expect.objectContaining({ type: 'response.function_call_arguments.delta', delta: '"/"}' }),
      expect.objectContaining({ type: 'response.function_call_arguments.done', name: 'list', arguments: '{"p":"/"}' }),
      expect.objectContaining({ type: 'response.function_call_arguments.done', name: 'now', arguments: '{}' }),
    ]);
    expect(state.response.output.map((i) => i.type)).toEqual(['message', 'function_call', 'function_call']);
    expect(state.response.output[1]).toEqual({
      type: 'function_call',
      id: 'fc_abc_1',
      call_id: 'toolu_1',
      name: 'list',
      namespace: 'fs',
      arguments: '{"p":"/"}',
      status: 'completed',
    });
    expect(state.response.status).toBe('completed');
  });

  it('turns a call of a custom tool into a custom_tool_call with the text of its input', () => {
    const names = new Map([['apply_patch', { name: 'apply_patch', custom: true }]]);
    const { out, state } = run(
      [
        start(),
        blockStart(0, { type: 'tool_use', id: 'toolu_p', name: 'apply_patch', input: {} }),
        delta(0, { type: 'input_json_delta', partial_json: '{"input":"*** Begin' }),
        delta(0, { type: 'input_json_delta', partial_json: ' Patch\\n"}' }),
        stop(0),
        messageDelta('tool_use'),
        end,
      ],
      { names },
    );
    expect(state.response.output[0]).toEqual({
      type: 'custom_tool_call',
      id: 'ctc_abc_0',
      call_id: 'toolu_p',
      name: 'apply_patch',
      input: '*** Begin Patch\n',
      status: 'completed',
    });
    expect(out.find((e) => e.type === 'response.custom_tool_call_input.done')).toMatchObject({ item_id: 'ctc_abc_0', input: '*** Begin Patch\n' });
    expect(out.map((e) => e.type)).not.toContain('response.function_call_arguments.delta');
  });

  it('folds to the same response without making events when not emitting (non-streaming answers)', () => {
    const events = [
      start(),
      blockStart(0, { type: 'thinking', thinking: '', signature: '' }),
      delta(0, { type: 'thinking_delta', thinking: 'hmm' }),
      delta(0, { type: 'signature_delta', signature: 'S' }),
      stop(0),
      blockStart(1, { type: 'text', text: '' }),
      delta(1, { type: 'text_delta', text: 'Answer.' }),
      stop(1),
      messageDelta('end_turn'),
      end,
    ];
    const streamed = run(events);
    const quiet = createResponsesStreamState(responseSkeleton({ model: 'client-model' }, 'resp_abc', 1_000_000), {
      includeEncrypted: false,
      names: new Map(),
      emitting: false,
    });
    expect(events.flatMap((e) => eventToResponseEvents(quiet, e))).toEqual([]);
    const { completed_at: _a, ...fromQuiet } = clientView(quiet);
    const { completed_at: _b, ...fromStream } = clientView(streamed.state);
    expect(fromQuiet).toEqual(fromStream);
    expect(fromQuiet.output[0]).not.toHaveProperty('encrypted_content');
  });

  it.each([
    ['max_tokens', 'response.incomplete', 'max_output_tokens'],
    ['model_context_window_exceeded', 'response.incomplete', 'max_output_tokens'],
    ['refusal', 'response.incomplete', 'content_filter'],
    ['end_turn', 'response.completed', undefined],
    ['pause_turn', 'response.completed', undefined],
  ])('stop reason %s ends with %s (%s)', (reason, type, why) => {
    const { out } = run([start(), blockStart(0, { type: 'text', text: 'x' }), stop(0), messageDelta(reason), end]);
    const last = out[out.length - 1];
    expect(last.type).toBe(type);
    expect((last.response as { incomplete_details: unknown }).incomplete_details).toEqual(why ? { reason: why } : null);
  });

  it('reports a server-side web search as a web_search_call item with its query', () => {
    const { state, types } = run([
      start(),
      blockStart(0, { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} }),
      delta(0, { type: 'input_json_delta', partial_json: '{"query":"nest 12"}' }),
      stop(0),
      blockStart(1, { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] }),
      stop(1),
      blockStart(2, { type: 'text', text: '' }),
      delta(2, { type: 'text_delta', text: 'Per the docs: ' }),
      stop(2),
      blockStart(3, { type: 'text', text: '', citations: [] }),
      delta(3, { type: 'citations_delta', citation: { type: 'web_search_result_location', url: 'https://n.dev', title: 'Nest', cited_text: 'x', encrypted_index: 'e' } }),
      delta(3, { type: 'text_delta', text: 'it shipped.' }),
      stop(3),
      messageDelta('end_turn'),
      end,
    ]);
    expect(state.response.output[0]).toEqual({
      type: 'web_search_call',
      id: 'ws_abc_0',
      status: 'completed',
      action: { type: 'search', query: 'nest 12' },
    });
    expect(types.filter((t) => t === 'response.output_item.done')).toHaveLength(2);
    // The cited block's span of the message text becomes a url_citation annotation.
    expect(state.response.output[1]).toMatchObject({
      type: 'message',
      content: [
        {
          text: 'Per the docs: it shipped.',
          annotations: [{ type: 'url_citation', url: 'https://n.dev', title: 'Nest', start_index: 14, end_index: 25 }],
        },
      ],
    });
    expect(types).toContain('response.output_text.annotation.added');
  });

  it('fails in-band with an error event and response.failed, numbered on', () => {
    const { state, out } = run([start(), blockStart(0, { type: 'text', text: 'x' })]);
    const failed = failureEvents(state, { message: 'Overloaded', type: 'overloaded_error', code: 'overloaded', param: null });
    expect(failed).toEqual([
      {
        type: 'error',
        sequence_number: out.length,
        code: 'overloaded',
        message: 'Overloaded',
        param: null,
        error: { message: 'Overloaded', type: 'overloaded_error', code: 'overloaded', param: null },
      },
      expect.objectContaining({ type: 'response.failed', sequence_number: out.length + 1 }),
    ]);
    expect(clientView(state)).toMatchObject({ status: 'failed', error: { code: 'overloaded', message: 'Overloaded' } });
  });
});

describe('toResponseUsage', () => {
  it('counts cache reads and writes as input and reports reads as cached, thinking as reasoning', () => {
    expect(
      toResponseUsage({
        input_tokens: 10,
        output_tokens: 5,
        cache_creation_input_tokens: 3,
        cache_read_input_tokens: 20,
        output_tokens_details: { thinking_tokens: 2 } as never,
      }),
    ).toEqual({
      input_tokens: 33,
      input_tokens_details: { cached_tokens: 20, cache_write_tokens: 3 },
      output_tokens: 5,
      output_tokens_details: { reasoning_tokens: 2 },
      total_tokens: 38,
    });
  });
});
