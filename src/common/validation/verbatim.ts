import type { Type, ValidationPipeOptions } from '@nestjs/common';
import { classToPlain, type ClassTransformOptions, plainToInstance, Transform } from 'class-transformer';
import { isParsedBody } from '../body/plain-json.js';

/** The verbatim fields of each request class (see `Verbatim`). */
const VERBATIM = new Map<object, readonly string[]>();

/**
 * Marks a field of a request class (the controller's `@Body()` type) that is
 * checked in one pass over the parsed JSON (the conversation, the tools) and
 * read as that JSON: class-transformer would only copy it, object by object,
 * which for a long conversation is most of the cost of validating a request.
 * Such a field keeps its parsed value; the class's other fields are
 * transformed as usual.
 *
 * Kept as parsed, it is also kept whole: class-transformer's copy of a plain
 * object silently drops keys named like `Object.prototype`'s members
 * (`toString`, `valueOf`, `hasOwnProperty`...), which are ordinary property
 * names in a tool's JSON schema or a conversation.
 */
export function Verbatim(): PropertyDecorator {
  return (target, key) => {
    VERBATIM.set(target.constructor, [...(VERBATIM.get(target.constructor) ?? []), String(key)]);
  };
}

/**
 * For a field of a nested request class (a JSON schema under
 * `response_format` or `functions`), where `@Verbatim()` does not reach: the
 * field's parsed value, not class-transformer's copy of it, which drops keys
 * named like `Object.prototype`'s members (see `Verbatim`).
 */
export function AsParsed(): PropertyDecorator {
  return Transform(({ obj, key }) => (obj as Record<string, unknown>)[key], { toClassOnly: true });
}

/** Instances the transformer made from a body jsonBodyMiddleware parsed (see body/plain-json.ts). */
const fromParsedBodies = new WeakSet<object>();

/** Whether `value` was made from a body parsed from JSON here, so holds nothing JSON cannot. */
export function madeFromParsedBody(value: unknown): boolean {
  return typeof value === 'object' && value !== null && fromParsedBodies.has(value);
}

/** class-transformer for the validation pipe, leaving `@Verbatim()` fields as they were parsed. */
export const verbatimTransformer: NonNullable<ValidationPipeOptions['transformerPackage']> = {
  plainToInstance<T>(cls: Type<T>, plain: unknown, options?: ClassTransformOptions): T | T[] {
    const instance = toInstance(cls, plain, options);
    if (isParsedBody(plain) && typeof instance === 'object' && instance !== null) fromParsedBodies.add(instance);
    return instance;
  },
  classToPlain,
};

function toInstance<T>(cls: Type<T>, plain: unknown, options?: ClassTransformOptions): T | T[] {
  const fields = VERBATIM.get(cls);
  if (!fields || typeof plain !== 'object' || plain === null || Array.isArray(plain)) return plainToInstance(cls, plain, options);
  const body = plain as Record<string, unknown>;
  // The pipe strips prototype keys before this; should one still be here, copying it could set a prototype.
  if (Object.hasOwn(body, '__proto__')) return plainToInstance(cls, plain, options);
  const rest: Record<string, unknown> = {};
  for (const key of Object.keys(body)) if (!fields.includes(key)) rest[key] = body[key];
  const instance = plainToInstance(cls, rest, options) as Record<string, unknown>;
  for (const field of fields) if (Object.hasOwn(body, field)) instance[field] = body[field];
  return instance as T;
}
