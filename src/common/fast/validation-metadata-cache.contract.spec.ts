/**
 * The internals of class-validator that validation-metadata-cache.ts relies
 * on, each failing with its name and the fix when an upgrade moves it.
 */
import 'reflect-metadata';
import { jest } from '@jest/globals';
import { Type } from 'class-transformer';
import { type Piece, reliesOn } from '../../../test/support/library-internal.js';
import { getMetadataStorage, IS_OPTIONAL, IsInt, IsOptional, IsString, ValidateNested, validateSync } from 'class-validator';

const piece: Piece = {
  file: 'validation-metadata-cache.ts',
  plain: "class-validator's validateSync, with nothing kept: validatePresentFields = validateSync, no cacheValidationMetadata",
};

class Inner {
  @IsInt()
  n!: number;
}

class Outer {
  @IsString()
  name!: string;

  @IsOptional()
  @IsString()
  note?: string;

  @ValidateNested()
  @Type(() => Inner)
  inner!: Inner;
}

const storage = getMetadataStorage();
const METHODS = ['getTargetValidationMetadatas', 'groupByPropertyName', 'addValidationMetadata', 'addConstraintMetadata', 'addValidationSchema'] as const;

it('the metadata storage is one object per process, with its methods on its prototype', async () => {
  await reliesOn(piece, "class-validator's getMetadataStorage() returns one global MetadataStorage whose methods can be replaced per instance", () => {
    const proto = Object.getPrototypeOf(storage) as Record<string, unknown>;
    return getMetadataStorage() === storage && METHODS.every((name) => typeof proto[name] === 'function' && !Object.hasOwn(storage, name));
  });
});

it('validateSync looks an object up once: getTargetValidationMetadatas for its class, then groupByPropertyName of that list', async () => {
  const lookup = jest.spyOn(storage, 'getTargetValidationMetadatas');
  const group = jest.spyOn(storage, 'groupByPropertyName');
  try {
    await reliesOn(
      piece,
      "class-validator's ValidationExecutor calls storage.getTargetValidationMetadatas(target, schema, always, strictGroups, groups) and passes its result to storage.groupByPropertyName, the object's own class first, then each nested object's",
      () => {
        validateSync(Object.assign(new Outer(), { name: 'a', inner: Object.assign(new Inner(), { n: 1 }) }), { whitelist: true });
        return (
          lookup.mock.calls.length === 2 &&
          lookup.mock.calls[0][0] === Outer &&
          lookup.mock.calls[1][0] === Inner &&
          group.mock.calls.length === 2 &&
          group.mock.calls[0][0] === lookup.mock.results[0].value &&
          group.mock.calls[1][0] === lookup.mock.results[1].value
        );
      },
    );
  } finally {
    lookup.mockRestore();
    group.mockRestore();
  }
});

it("an @IsOptional() rule is named IS_OPTIONAL in the grouped rules, and whitelisting reads the grouping's field names", async () => {
  await reliesOn(piece, "each rule of groupByPropertyName's answer has `name`; @IsOptional's is IS_OPTIONAL ('isOptional')", () => {
    const grouped: Record<string, Array<{ name?: string }>> = storage.groupByPropertyName(storage.getTargetValidationMetadatas(Outer, '', false, false));
    return IS_OPTIONAL === 'isOptional' && grouped.note.some((rule) => rule.name === IS_OPTIONAL) && !grouped.name.some((rule) => rule.name === IS_OPTIONAL);
  });
  await reliesOn(piece, 'whitelisting strips the fields of an object that are not keys of its grouped rules', () => {
    const extra = Object.assign(new Outer(), { name: 'a', inner: Object.assign(new Inner(), { n: 1 }), stray: 1 });
    validateSync(extra, { whitelist: true });
    return !Object.hasOwn(extra, 'stray') && Object.hasOwn(extra, 'name');
  });
});

it('every rule, constraint and schema is added through the storage methods the cache watches', async () => {
  const added = METHODS.slice(2).map((name) => jest.spyOn(storage, name));
  try {
    class Late {
      @IsString()
      late!: string;
    }
    await reliesOn(piece, 'a decorator adds its rule through storage.addValidationMetadata (the cache forgets what it kept then)', () => {
      return added[0].mock.calls.some(([metadata]) => (metadata as { target: unknown }).target === Late);
    });
  } finally {
    for (const spy of added) spy.mockRestore();
  }
});
