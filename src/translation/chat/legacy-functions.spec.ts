import type Anthropic from '@anthropic-ai/sdk';
import { addChunk, assembledCompletion, createAssembly } from './completion.assembler.js';
import type { ChatCompletionRequest } from './openai.types.js';
import { toAnthropicRequest } from './request.mapper.js';
import { createStreamState, eventToChunks } from './stream.mapper.js';
import { answersInFunctionCall } from './tables.js';

/*
 * A request that offers its functions the legacy way (`functions`,
 * `function_call`) is answered the legacy way: one `function_call`, finish
 * reason "function_call", streamed as `delta.function_call`.
 */

type Event = Anthropic.RawMessageStreamEvent;
const fn = { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } };
const tool = { type: 'function' as const, function: fn };
const events = [
  { type: 'message_start', message: { id: 'msg_1', usage: { input_tokens: 3, output_tokens: 1 } } },
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Checking.' } },
  { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} } },
  { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":' } },
  { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"Paris"}' } },
  { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } },
] as unknown as Event[];

function chunks(functionCall: boolean, list = events) {
  const state = createStreamState('m', false, 1_000_000, functionCall);
  return { state, chunks: list.flatMap((e) => eventToChunks(state, e)) };
}

describe('answersInFunctionCall', () => {
  it.each([
    [{ functions: [fn] }, true],
    [{ functions: [fn], tools: [] }, true],
    [{ tools: [tool] }, false],
    [{ functions: [fn], tools: [tool] }, false],
    [{ functions: [] }, false],
    [{}, false],
  ] as Array<[Partial<ChatCompletionRequest>, boolean]>)('%j → %s', (req, expected) => {
    expect(answersInFunctionCall(req)).toBe(expected);
  });
});

describe('the request of a legacy caller', () => {
  const map = (req: Partial<ChatCompletionRequest>) => toAnthropicRequest({ model: 'claude-x', messages: [{ role: 'user', content: 'hi' }], ...req }, { maxTokens: () => 100 });

  it.each([
    [{ functions: [fn] }, { type: 'auto', disable_parallel_tool_use: true }],
    [{ functions: [fn], function_call: 'auto' }, { type: 'auto', disable_parallel_tool_use: true }],
    [{ functions: [fn], function_call: { name: 'get_weather' } }, { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true }],
    [{ functions: [fn], function_call: 'none' }, { type: 'none' }],
    // The tools shape keeps today's choice: parallel calls allowed.
    [{ tools: [tool] }, undefined],
    [{ tools: [tool], tool_choice: 'required' }, { type: 'any' }],
  ] as Array<[Partial<ChatCompletionRequest>, unknown]>)('%j asks for tool_choice %j', (req, choice) => {
    expect(map(req).tool_choice).toEqual(choice);
  });
});

describe('a legacy answer', () => {
  it('streams the call as delta.function_call, and finishes with "function_call"', () => {
    const deltas = chunks(true).chunks.map((c) => [c.choices[0].delta, c.choices[0].finish_reason]);
    expect(deltas).toEqual([
      [{ role: 'assistant', content: '' }, null],
      [{ content: 'Checking.' }, null],
      [{ function_call: { name: 'get_weather', arguments: '' } }, null],
      [{ function_call: { arguments: '{"city":' } }, null],
      [{ function_call: { arguments: '"Paris"}' } }, null],
      [{}, 'function_call'],
    ]);
  });

  it('folds into message.function_call, with no tool_calls', () => {
    const assembly = createAssembly();
    const { state, chunks: list } = chunks(true);
    for (const chunk of list) addChunk(assembly, chunk);
    expect(assembledCompletion(assembly, state).choices[0]).toMatchObject({
      message: { role: 'assistant', content: 'Checking.', function_call: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      finish_reason: 'function_call',
    });
    expect(assembledCompletion(assembly, state).choices[0].message).not.toHaveProperty('tool_calls');
  });

  it('answers a call without arguments with "{}", and content null when there is no text', () => {
    const bare = [events[0], events[3], events[6]];
    const assembly = createAssembly();
    const { state, chunks: list } = chunks(true, bare);
    for (const chunk of list) addChunk(assembly, chunk);
    expect(assembledCompletion(assembly, state).choices[0].message).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      function_call: { name: 'get_weather', arguments: '{}' },
    });
  });

  it('carries one call: a second (which disable_parallel_tool_use prevents) is not answered', () => {
    const second = [
      { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: {} } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{}' } },
    ] as unknown as Event[];
    const list = chunks(true, [...events.slice(0, 6), ...second, events[6]]).chunks;
    expect(list.filter((c) => c.choices[0].delta.function_call)).toHaveLength(3);
  });

  it('leaves the tools answer as it was', () => {
    const deltas = chunks(false).chunks.map((c) => [c.choices[0].delta, c.choices[0].finish_reason]);
    expect(deltas[2]).toEqual([{ tool_calls: [{ index: 0, id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] }, null]);
    expect(deltas.at(-1)).toEqual([{}, 'tool_calls']);
  });
});
