import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsArray, IsOptional, IsString, ValidateNested } from 'class-validator';
import { createValidationPipe } from './validation.pipe.js';
import { Verbatim, verbatimTransformer } from './verbatim.js';

class Inner {
  @IsString()
  name!: string;
}

class Body {
  @IsString()
  model!: string;

  @IsArray()
  @Verbatim()
  messages!: unknown[];

  @IsOptional()
  @ValidateNested()
  @Type(() => Inner)
  inner?: Inner;
}

describe('verbatimTransformer', () => {
  it('keeps a verbatim field as parsed and transforms the others', () => {
    const messages = [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }];
    const plain = { model: 'm', messages, inner: { name: 'x' } };
    const body = verbatimTransformer.plainToInstance(Body, plain) as Body;
    expect(body).toBeInstanceOf(Body);
    expect(body.messages).toBe(messages);
    expect(body.inner).toBeInstanceOf(Inner);
    // The parsed body is left as it came.
    expect(Object.keys(plain)).toEqual(['model', 'messages', 'inner']);
    expect(plain.messages).toBe(messages);
  });

  it('hands anything but a plain object of a marked class to class-transformer', () => {
    expect(verbatimTransformer.plainToInstance(Inner, { name: 'x' })).toBeInstanceOf(Inner);
    const list = verbatimTransformer.plainToInstance(Body, [{ model: 'm', messages: [] }]) as Body[];
    expect(list[0]).toBeInstanceOf(Body);
  });

  it('transforms a body that still has a prototype key the way class-transformer does', () => {
    const plain = JSON.parse('{"model":"m","messages":[],"__proto__":{"polluted":true}}') as object;
    const body = verbatimTransformer.plainToInstance(Body, plain) as Body & { polluted?: boolean };
    expect(body).toBeInstanceOf(Body);
    expect(body.polluted).toBeUndefined();
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('leaves a body without the field without it', () => {
    const body = verbatimTransformer.plainToInstance(Body, { model: 'm' }) as Body;
    expect(body.messages).toBeUndefined();
  });

  it('validates and whitelists through the pipe as before', async () => {
    const pipe = createValidationPipe();
    const messages = [{ role: 'user', extra: 1 }];
    const out = (await pipe.transform({ model: 'm', messages, unknown: true }, { type: 'body', metatype: Body })) as Body;
    expect(out).toBeInstanceOf(Body);
    expect(out).not.toHaveProperty('unknown');
    expect(out.messages).toBe(messages);
    await expect(pipe.transform({ model: 'm', messages: 'no' }, { type: 'body', metatype: Body })).rejects.toMatchObject({
      status: 400,
    });
  });

  it('still finds a binary value in a body that was not parsed from JSON here', async () => {
    const pipe = createValidationPipe();
    const body = { model: 'm', messages: [], inner: Buffer.from('x') };
    await expect(pipe.transform(body, { type: 'body', metatype: Body })).rejects.toMatchObject({ status: 400 });
  });
});
