import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

/**
 * Message content is a string, null, or a list of typed parts whose shape
 * depends on `type`; class-validator cannot express that union with nested
 * classes, so it is checked here and the first problem is named.
 */
export function contentProblem(value: unknown): string | null {
  if (value == null || typeof value === 'string') return null;
  if (!Array.isArray(value)) return 'must be a string, an array of content parts, or null';
  for (let i = 0; i < value.length; i++) {
    const problem = partProblem(value[i]);
    if (problem) return `[${i}] ${problem}`;
  }
  return null;
}

function partProblem(part: unknown): string | null {
  if (part === null || typeof part !== 'object') return 'must be an object';
  const p = part as Record<string, unknown>;
  switch (p.type) {
    case 'text':
      return typeof p.text === 'string' ? null : 'text must be a string';
    case 'refusal':
      return typeof p.refusal === 'string' ? null : 'refusal must be a string';
    case 'image_url': {
      const image = p.image_url as Record<string, unknown> | undefined;
      return image && typeof image === 'object' && typeof image.url === 'string'
        ? null
        : 'image_url.url must be a string';
    }
    case 'file':
      return p.file && typeof p.file === 'object' ? null : 'file must be an object';
    case 'input_audio':
      return "type 'input_audio' is not supported by Claude";
    default:
      return `type must be one of text, image_url, file (got ${JSON.stringify(p.type)})`;
  }
}

/** `stop`: a string or a list of strings. */
export function IsStringOrStringArray(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isStringOrStringArray',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string')),
        defaultMessage: (args: ValidationArguments) => `${args.property} must be a string or an array of strings`,
      },
    });
}

/** `tool_choice`: 'auto' | 'none' | 'required' | {type:'function', function:{name}}. */
export function IsToolChoice(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isToolChoice',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => {
          if (value === 'auto' || value === 'none' || value === 'required') return true;
          const v = value as { type?: unknown; function?: { name?: unknown } } | null;
          return !!v && typeof v === 'object' && v.type === 'function' && typeof v.function?.name === 'string';
        },
        defaultMessage: (args: ValidationArguments) =>
          `${args.property} must be 'auto', 'none', 'required' or {"type":"function","function":{"name":...}}`,
      },
    });
}

/** Legacy `function_call`: 'none' | 'auto' | {name}. */
export function IsFunctionCallChoice(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isFunctionCallChoice',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => {
          if (value === 'auto' || value === 'none') return true;
          const v = value as { name?: unknown } | null;
          return !!v && typeof v === 'object' && typeof v.name === 'string';
        },
        defaultMessage: (args: ValidationArguments) => `${args.property} must be 'auto', 'none' or {"name":...}`,
      },
    });
}
