import { describe, expect, it } from '@jest/globals';
import { toolListProblem } from './tool-list.validator.js';

const tool = (fn: object, fields: object = {}) => [{ type: 'function', function: { name: 'f', ...fn }, ...fields }];

describe('toolListProblem', () => {
  it.each([
    ['no tools', undefined],
    ['null', null],
    ['an empty list', []],
    ['a full tool', tool({ description: 'd', parameters: { type: 'object' }, strict: true })],
    ['nulls where optional', tool({ description: null, parameters: null, strict: null })],
    ['fields the gateway does not read', tool({ extra: 1 }, { extra: 2 })],
  ])('accepts %s', (_name, tools) => {
    expect(toolListProblem(tools)).toBeNull();
  });

  // The paths and words of the nested classes this replaced, checked against them when it was written.
  it.each([
    ['not a list', 'x', 'tools', 'tools must be an array'],
    ['a tool that is not an object', [1], 'tools[0]', 'each value in nested property tools must be either object or array'],
    ['another type', [{ type: 'x' }], 'tools[0].type', "type must be 'function'"],
    ['no function', [{ type: 'function' }], 'tools[0].function', 'function should not be null or undefined'],
    ['a function that is not an object', [{ type: 'function', function: 'f' }], 'tools[0].function', 'nested property function must be either object or array'],
    ['no name', tool({ name: undefined }), 'tools[0].function.name', 'name should not be empty'],
    ['a numeric name', tool({ name: 5 }), 'tools[0].function.name', 'name must be a string'],
    ['a numeric description', tool({ description: 5 }), 'tools[0].function.description', 'description must be a string'],
    ['parameters as a list', tool({ parameters: [] }), 'tools[0].function.parameters', 'parameters must be an object'],
    ['strict as a string', tool({ strict: 'yes' }), 'tools[0].function.strict', 'strict must be a boolean value'],
    ['the second tool', [...tool({}), { type: 'function' }], 'tools[1].function', 'function should not be null or undefined'],
  ])('names %s', (_name, tools, path, message) => {
    expect(toolListProblem(tools)).toEqual({ path, message });
  });
});
