import { getMetadataStorage } from 'class-validator';

type Storage = ReturnType<typeof getMetadataStorage>;
type Lookup = Storage['getTargetValidationMetadatas'];
type Metadata = ReturnType<Lookup>;
type Grouped = ReturnType<Storage['groupByPropertyName']>;

const patched = new WeakSet<Storage>();

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
 * checks that validation answers the same either way.
 */
export function cacheValidationMetadata(storage: Storage = getMetadataStorage()): void {
  if (patched.has(storage)) return;
  patched.add(storage);
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  let lookups = new Map<object, Map<string, Metadata>>();
  let groupings = new WeakMap<Metadata, Grouped>();
  let handedOut = new WeakSet<Metadata>();
  const forget = () => {
    lookups = new Map();
    groupings = new WeakMap();
    handedOut = new WeakSet();
  };

  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    if (groups && groups.length > 0) return lookup(target, schema, always, strictGroups, groups);
    // class-validator passes the parent's class name as `schema` for a nested object: part of the key, not a reason to skip.
    const key = `${schema ?? ''}|${always}|${strictGroups}`;
    let byOptions = lookups.get(target);
    if (!byOptions) lookups.set(target, (byOptions = new Map()));
    let metadata = byOptions.get(key);
    if (!metadata) {
      byOptions.set(key, (metadata = lookup(target, schema, always, strictGroups, groups)));
      handedOut.add(metadata);
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
    return grouped;
  };
  for (const name of ['addValidationMetadata', 'addConstraintMetadata', 'addValidationSchema'] as const) {
    const add = (storage[name] as (arg: never) => void).bind(storage);
    (storage as unknown as Record<string, (arg: never) => void>)[name] = (arg) => {
      forget();
      add(arg);
    };
  }
}
