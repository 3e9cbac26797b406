/**
 * The protected methods of Nest's ValidationPipe that validation-pipe.ts
 * overrides, each failing with its name and the fix when an upgrade moves it.
 */
import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { type Piece, reliesOn } from '../../../test/support/library-internal.js';
import { IsInt, IsString, type ValidationError, type ValidatorOptions, validateSync } from 'class-validator';

const piece: Piece = { file: 'validation-pipe.ts', plain: "Nest's ValidationPipe itself, not a subclass" };

class Body {
  @IsString()
  name!: string;

  @IsInt()
  count!: number;
}

const OVERRIDDEN = ['closeArrayGaps', 'stripProtoKeys', 'findNestedBinaryValues', 'validate'] as const;

/** Nest's pipe, noting which of the overridden methods `transform` calls, and with what. */
class Recording extends ValidationPipe {
  calls: Array<[string, unknown]> = [];

  protected override closeArrayGaps(value: unknown): void {
    this.calls.push(['closeArrayGaps', value]);
    super.closeArrayGaps(value);
  }

  protected override stripProtoKeys(value: unknown): void {
    this.calls.push(['stripProtoKeys', value]);
    super.stripProtoKeys(value);
  }

  protected override findNestedBinaryValues(object: unknown, cache?: Map<unknown, never[]>): ValidationError[] {
    this.calls.push(['findNestedBinaryValues', object]);
    return super.findNestedBinaryValues(object, cache);
  }

  protected override validate(object: object, options?: ValidatorOptions): ValidationError[] {
    this.calls.push(['validate', object]);
    return validateSync(object, options);
  }
}

const pipe = (errors: ValidationError[][] = []) =>
  new Recording({
    transform: true,
    validatorPackage: { validate: validateSync, getMetadataStorage: () => undefined } as never,
    exceptionFactory: (found) => {
      errors.push(found);
      return new Error('invalid');
    },
  });

for (const name of OVERRIDDEN) {
  it(`ValidationPipe has the protected method ${name}`, async () => {
    await reliesOn(piece, `ValidationPipe.prototype.${name} (protected, @nestjs/common/pipes/validation.pipe.js)`, () => {
      return typeof (ValidationPipe.prototype as unknown as Record<string, unknown>)[name] === 'function';
    });
  });
}

it('transform() calls each overridden method once per body: the gaps and prototype keys on the plain body, the rest on the instance', async () => {
  const recording = pipe();
  const plain = { name: 'a', count: 1 };
  const instance = await recording.transform(plain, { type: 'body', metatype: Body });
  await reliesOn(piece, 'ValidationPipe.transform calls closeArrayGaps(body), stripProtoKeys(body), findNestedBinaryValues(instance), validate(instance)', () => {
    const called = recording.calls.map(([name]) => name);
    const on = Object.fromEntries(recording.calls);
    return (
      JSON.stringify(called) === JSON.stringify(OVERRIDDEN) &&
      on.closeArrayGaps === plain &&
      on.stripProtoKeys === plain &&
      on.findNestedBinaryValues === instance &&
      on.validate === instance &&
      instance instanceof Body
    );
  });
});

it("transform() takes the errors of a validate() that answers without a promise", async () => {
  const errors: ValidationError[][] = [];
  const refused = await pipe(errors).transform({ name: 1, count: 'x' }, { type: 'body', metatype: Body }).then(
    () => false,
    () => true,
  );
  await reliesOn(piece, 'ValidationPipe.transform awaits validate(), so a synchronous array of errors is accepted', () => {
    return refused && errors.length === 1 && errors[0].map((e) => e.property).join() === 'name,count';
  });
});
