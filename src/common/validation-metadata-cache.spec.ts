import 'reflect-metadata';
import { getMetadataStorage, IsInt, IsOptional, IsString, Min, validateSync, type ValidationError } from 'class-validator';
import { cacheValidationMetadata } from './validation-metadata-cache.js';

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
