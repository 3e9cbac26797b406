import 'reflect-metadata';
import { jest } from '@jest/globals';
import { Type } from 'class-transformer';
import {
  getMetadataStorage,
  IsDefined,
  IsInt,
  IsOptional,
  IsString,
  Min,
  ValidateIf,
  ValidateNested,
  validateSync,
  type ValidationError,
} from 'class-validator';
import { cacheValidationMetadata, validatePresentFields } from './validation-metadata-cache.js';

class Order {
  @IsString()
  item!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  count?: number;

  @IsInt({ groups: ['strict'] })
  code?: number;
}

const bodies: object[] = [{ item: 'a' }, { item: 1, count: 0 }, { count: 'x' }, {}, { item: 'b', count: 2, code: 'z' }];
const answers = (errors: ValidationError[]) => errors.map(({ property, constraints }) => ({ property, constraints }));
const check = (body: object, groups?: string[]) =>
  answers(validateSync(Object.assign(new Order(), body), { whitelist: true, ...(groups && { groups }) }));

describe('cacheValidationMetadata', () => {
  const before = [...bodies.map((body) => check(body)), ...bodies.map((body) => check(body, ['strict']))];
  cacheValidationMetadata();
  const storage = getMetadataStorage();

  it('validates exactly as class-validator does without it', () => {
    expect([...bodies.map((body) => check(body)), ...bodies.map((body) => check(body, ['strict']))]).toEqual(before);
    // Twice: the second answer comes from what the first kept.
    expect(bodies.map((body) => check(body))).toEqual(before.slice(0, bodies.length));
  });

  it('looks a class up once per set of options, and leaves lookups with groups alone', () => {
    const lookup = () => storage.getTargetValidationMetadatas(Order, '', false, false);
    expect(lookup()).toBe(lookup());
    expect(storage.getTargetValidationMetadatas(Order, '', false, true)).not.toBe(lookup());
    // A nested object is looked up with its parent's class name as the schema: kept too, apart.
    const nested = () => storage.getTargetValidationMetadatas(Order, 'Parent', false, false);
    expect(nested()).toBe(nested());
    expect(nested()).not.toBe(lookup());
    const withGroups = () => storage.getTargetValidationMetadatas(Order, '', false, false, ['strict']);
    expect(withGroups()).not.toBe(withGroups());
  });

  it('sees the rules of a class declared after it started keeping lookups', () => {
    const kept = storage.getTargetValidationMetadatas(Order, '', false, false);
    class LargeOrder extends Order {
      @Min(10)
      declare count?: number;

      @IsString()
      note!: string;
    }
    expect(storage.getTargetValidationMetadatas(Order, '', false, false)).not.toBe(kept);
    const errors = answers(validateSync(Object.assign(new LargeOrder(), { item: 'a', count: 5, code: 1 }), { whitelist: true }));
    expect(errors.map((error) => error.property).sort()).toEqual(['count', 'note']);
  });
});

class Line {
  @IsString()
  declare sku: string;

  @IsOptional()
  @IsInt()
  declare quantity?: number;
}

/** Every kind of rule a field can carry, with fields declared, not defined, as the request classes declare theirs. */
class Basket {
  @IsString()
  declare owner: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  declare size?: number | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => Line)
  declare line?: Line;

  @IsDefined()
  declare id: unknown;

  @ValidateIf((basket: Basket) => basket.size === 2)
  @IsString()
  declare note?: string;

  @IsOptional()
  @IsDefined()
  declare odd?: unknown;
}

/** The whole error tree, children included, and the object as whitelisting left it. */
const tree = (errors: ValidationError[]): unknown[] =>
  errors.map(({ property, constraints, children }) => ({ property, constraints, children: tree(children ?? []) }));
const basket = (body: object) => {
  const line = (body as { line?: object }).line;
  return Object.assign(new Basket(), body, line && typeof line === 'object' ? { line: Object.assign(new Line(), line) } : {});
};
const baskets: object[] = [
  { owner: 'a', id: 1 },
  {},
  { owner: 1, size: 0, id: null },
  { owner: 'a', id: 1, size: null, line: null, odd: null, extra: 'x' },
  { owner: 'a', id: 1, size: 2 },
  { owner: 'a', id: 1, size: 2, note: 3, line: { sku: 1 } },
  { owner: 'a', id: 1, line: { sku: 'k', quantity: 'q', extra: 1 } },
  { owner: 'a', id: undefined, size: undefined },
];

describe('validatePresentFields', () => {
  cacheValidationMetadata();
  const storage = getMetadataStorage();

  it.each(baskets.map((body) => [JSON.stringify(body), body]))('answers %s as validateSync does, and whitelists the same', (_, body) => {
    const options = { whitelist: true };
    const [plain, present] = [basket(body), basket(body)];
    expect(tree(validatePresentFields(present, options))).toEqual(tree(validateSync(plain, options)));
    expect(present).toEqual(plain);
  });

  it('works through the fields the object has and the required ones, and nested objects whole', () => {
    const grouped = jest.spyOn(storage, 'groupByPropertyName');
    try {
      validatePresentFields(basket({ owner: 'a', line: { sku: 'k' } }), { whitelist: true });
      const [outer, nested] = grouped.mock.results.map((result) => Object.keys(result.value as object));
      expect(outer).toEqual(['owner', 'line', 'id', 'note']);
      expect(nested).toEqual(['sku', 'quantity']);
      grouped.mockClear();
      // Outside validatePresentFields, every field as before.
      validateSync(basket({ owner: 'a' }), { whitelist: true });
      expect(Object.keys(grouped.mock.results[0].value as object)).toEqual(['owner', 'size', 'line', 'id', 'note', 'odd']);
    } finally {
      grouped.mockRestore();
    }
  });
});
