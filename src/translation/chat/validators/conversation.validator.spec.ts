import { describe, expect, it } from '@jest/globals';
import { conversationProblem } from './conversation.validator.js';

const call = (fields: object) => [{ role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' }, ...fields }] }];

describe('conversationProblem', () => {
  it.each([
    ['a plain exchange', [{ role: 'system', content: 's' }, { role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }]],
    ['content parts', [{ role: 'user', content: [{ type: 'text', text: 't' }, { type: 'image_url', image_url: { url: 'data:,' } }] }]],
    ['an assistant turn with only tool calls, then the result', [...call({}), { role: 'tool', tool_call_id: 'c1', content: 'r' }]],
    ['fields the gateway does not read', [{ role: 'user', content: 'q', name: 'ann', extra: 1 }]],
    ['null tool_calls', [{ role: 'user', content: 'q', tool_calls: null }]],
    ['a legacy function call and its result', [{ role: 'assistant', content: null, function_call: { name: 'f', arguments: '{}' } }, { role: 'function', name: 'f', content: 'r' }]],
    ['signed thinking sent back in either field', [{ role: 'assistant', content: 'a', reasoning_details: [], thinking_blocks: null }]],
  ])('accepts %s', (_name, messages) => {
    expect(conversationProblem(messages)).toBeNull();
  });

  // The paths and words of the nested classes this replaced, checked against them when it was written.
  it.each([
    ['missing', undefined, 'messages', 'messages must contain at least one message'],
    ['empty', [], 'messages', 'messages must contain at least one message'],
    ['a message that is not an object', [{ role: 'user', content: 'q' }, 7], 'messages[1]', 'each value in nested property messages must be either object or array'],
    ['an unknown role', [{ role: 'wizard', content: 'x' }], 'messages[0].role', 'role must be one of system, developer, user, assistant, tool, function'],
    ['content of the wrong type', [{ role: 'user', content: 5 }], 'messages[0].content', 'content must be a string, an array of content parts, or null'],
    ['a bad content part', [{ role: 'user', content: [{ type: 'video' }] }], 'messages[0].content', 'content[0] type must be one of text, image_url, file (got "video")'],
    ['tool_calls not a list', [{ role: 'assistant', tool_calls: {} }], 'messages[0].tool_calls', 'tool_calls must be an array'],
    ['a tool call that is not an object', [{ role: 'assistant', tool_calls: [1] }], 'messages[0].tool_calls[0]', 'each value in nested property tool_calls must be either object or array'],
    ['a tool call without id', call({ id: undefined }), 'messages[0].tool_calls[0].id', 'id should not be empty'],
    ['a tool call with a numeric id', call({ id: 5 }), 'messages[0].tool_calls[0].id', 'id must be a string'],
    ['a tool call of another type', call({ type: 'x' }), 'messages[0].tool_calls[0].type', 'type must be one of the following values: function'],
    ['a tool call without function', call({ function: undefined }), 'messages[0].tool_calls[0].function', 'function should not be null or undefined'],
    ['a function without name', call({ function: { arguments: '{}' } }), 'messages[0].tool_calls[0].function.name', 'name must be a string'],
    ['a function without arguments', call({ function: { name: 'f' } }), 'messages[0].tool_calls[0].function.arguments', 'arguments must be a string'],
    ['a tool result without tool_call_id', [{ role: 'tool', content: 'r' }], 'messages[0].tool_call_id', 'tool_call_id should not be empty'],
    ['a tool result with a numeric tool_call_id', [{ role: 'tool', content: 'r', tool_call_id: 5 }], 'messages[0].tool_call_id', 'tool_call_id is required on tool messages'],
    ['a function result without name', [{ role: 'function', content: 'r' }], 'messages[0].name', 'name is required on function messages'],
    ['a legacy function_call without arguments', [{ role: 'assistant', function_call: { name: 'f' } }], 'messages[0].function_call.arguments', 'arguments must be a string'],
    ['reasoning_details that is not a list', [{ role: 'assistant', content: 'a', reasoning_details: {} }], 'messages[0].reasoning_details', 'reasoning_details must be an array'],
    ['the first of two problems', [{ role: 'user', content: 'q' }, { role: 'user', content: 5 }, { role: 'x' }], 'messages[1].content', 'content must be a string, an array of content parts, or null'],
  ])('names %s', (_name, messages, path, message) => {
    expect(conversationProblem(messages)).toEqual({ path, message });
  });
});
