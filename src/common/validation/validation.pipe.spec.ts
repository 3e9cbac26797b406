import 'reflect-metadata';
import { ChatCompletionRequestDto } from '../../completions/dto/chat-completion-request.dto.js';
import { CreateResponseDto } from '../../responses/dto/create-response.dto.js';
import { createValidationPipe } from './validation.pipe.js';

const pipe = createValidationPipe();
const transform = (metatype: new () => object, body: object) => pipe.transform(body, { type: 'body', metatype });

describe('the request classes through the validation pipe', () => {
  // Fields are declared, not defined: an instance has the body's fields only, so the
  // validator works through those (validatePresentFields) and not every optional field.
  it.each([
    ['chat completions', ChatCompletionRequestDto, { model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 }],
    ['responses', CreateResponseDto, { model: 'm', input: 'hi', max_output_tokens: 5 }],
  ])('%s: the request object has the fields the body sent and no others', async (_, metatype, body) => {
    const out = await transform(metatype, { ...body, unknown_field: 1 });
    expect(out).toBeInstanceOf(metatype);
    expect(Object.keys(out).sort()).toEqual(Object.keys(body).sort());
  });

  const messages = [{ role: 'user', content: 'hi' }];
  it.each([
    [ChatCompletionRequestDto, { model: 'm', messages, max_tokens: 0 }, 'max_tokens'],
    [ChatCompletionRequestDto, { messages }, 'model'],
    [ChatCompletionRequestDto, { model: 'm', messages, stream_options: { include_usage: 'yes' } }, 'stream_options.include_usage'],
    [CreateResponseDto, { model: 'm', input: 'hi', reasoning: { effort: 'most' } }, 'reasoning.effort'],
    [CreateResponseDto, { input: 'hi' }, 'model'],
  ])('%p still names what is wrong with %j', async (metatype, body, param) => {
    await expect(transform(metatype, body)).rejects.toMatchObject({ status: 400, param });
  });
});
