import { getMetadataStorage, IS_OPTIONAL, type ValidationError, type ValidatorOptions, validateSync } from 'class-validator';

type Storage = ReturnType<typeof getMetadataStorage>;
type Lookup = Storage['getTargetValidationMetadatas'];
type Metadata = ReturnType<Lookup>;
type Grouped = ReturnType<Storage['groupByPropertyName']>;

const patched = new WeakSet<Storage>();

/** The key of a lookup with no schema name, `always` or `strictGroups`, as the general key spells it. */
const PLAIN = '|false|false';

/** The object `validatePresentFields` is validating, until class-validator has grouped its class's rules. */
let presentFieldsOf: object | undefined;

/**
 * `validateSync`, with the rules of the object's own fields that it does not
 * have and that are optional left out. class-validator works through every
 * declared field of a class for every object, present or not: for an absent
 * `@IsOptional()` field it builds an error record, half a dozen filtered
 * lists and closures, only to find the field optional and throw the record
 * away. A request body declares some 25 optional fields and sends a few, so
 * that was most of validation's cost (about 30 KB of garbage a request). The
 * answer is the same: an absent optional field can break no rule, and
 * whitelisting only looks at fields the object has. Nested objects are
 * validated whole, as before. Needs `cacheValidationMetadata()` to have run.
 */
export function validatePresentFields(object: object, options?: ValidatorOptions): ValidationError[] {
  presentFieldsOf = object;
  try {
    return validateSync(object, options);
  } finally {
    presentFieldsOf = undefined;
  }
}

/**
 * class-validator looks a class's rules up again for every object it
 * validates: it filters the class's list, walks every class it knows for
 * inheritance, then groups the result by property, all into new arrays.
 * For a request body that is a few allocations per declared field, for every
 * request (about 13 KB of a chat completion's 200, by the bench's allocation
 * profile), and it feeds the garbage collector for rules that do not change
 * once their classes are declared.
 *
 * So the lookup without groups, the only one this gateway makes, is kept per
 * class, schema name and options, with its grouping; any rule added later (a
 * class declared after start-up) clears what was kept. Lookups with groups
 * go to class-validator as before. `validation-metadata-cache.spec.ts`
 * checks that validation answers the same either way; what this relies on in
 * class-validator, `validation-metadata-cache.contract.spec.ts`.
 */
export function cacheValidationMetadata(storage: Storage = getMetadataStorage()): void {
  if (patched.has(storage)) return;
  patched.add(storage);
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  let lookups = new Map<object, Map<string, Metadata>>();
  let groupings = new WeakMap<Metadata, Grouped>();
  /** Each list this cache handed out, with the class it was asked for. */
  let handedOut = new WeakMap<Metadata, object>();
  const forget = () => {
    lookups = new Map();
    groupings = new WeakMap();
    handedOut = new WeakMap();
  };

  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    if (groups && groups.length > 0) return lookup(target, schema, always, strictGroups, groups);
    // class-validator passes the parent's class name as `schema` for a nested object: part of the key, not a reason to skip.
    // The lookup every request body makes has neither: no key string built for it.
    const key = !schema && !always && !strictGroups ? PLAIN : `${schema ?? ''}|${always}|${strictGroups}`;
    let byOptions = lookups.get(target);
    if (!byOptions) lookups.set(target, (byOptions = new Map()));
    let metadata = byOptions.get(key);
    if (!metadata) {
      byOptions.set(key, (metadata = lookup(target, schema, always, strictGroups, groups)));
      handedOut.set(metadata, target);
    }
    return metadata;
  };
  storage.groupByPropertyName = (metadata) => {
    let grouped = groupings.get(metadata);
    if (!grouped) {
      grouped = group(metadata);
      // Only a list this cache handed out comes back the same; any other is grouped each time as before.
      if (handedOut.has(metadata)) groupings.set(metadata, grouped);
    }
    // The first grouping asked for during `validatePresentFields` is its object's own; nested objects get theirs whole.
    const object = presentFieldsOf;
    presentFieldsOf = undefined;
    return object !== undefined && handedOut.get(metadata) === object.constructor ? presentOnly(grouped, object) : grouped;
  };
  for (const name of ['addValidationMetadata', 'addConstraintMetadata', 'addValidationSchema'] as const) {
    const add = (storage[name] as (arg: never) => void).bind(storage);
    (storage as unknown as Record<string, (arg: never) => void>)[name] = (arg) => {
      forget();
      add(arg);
    };
  }
}

/** Fields whose rules include `@IsOptional()`, per grouping: their rules are skipped when the field is absent. */
const optionalFields = new WeakMap<Grouped, ReadonlySet<string>>();

/** The grouping without the optional fields `object` lacks, in the same order (errors come out in it). */
function presentOnly(grouped: Grouped, object: object): Grouped {
  let optional = optionalFields.get(grouped);
  if (!optional) {
    const names = Object.keys(grouped).filter((name) => grouped[name].some((rule) => rule.name === IS_OPTIONAL));
    optionalFields.set(grouped, (optional = new Set(names)));
  }
  const kept: Grouped = {};
  for (const name of Object.keys(grouped)) if (name in object || !optional.has(name)) kept[name] = grouped[name];
  return kept;
}
