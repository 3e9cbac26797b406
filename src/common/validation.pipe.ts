import { ValidationPipe } from '@nestjs/common';
import { getMetadataStorage, type ValidationError, type ValidatorOptions } from 'class-validator';
import { isParsedBody, isProtoKeyFree } from './body/plain-json.js';
import { invalidRequest } from './gateway-error.js';
import { cacheValidationMetadata, validatePresentFields } from './validation-metadata-cache.js';
import { madeFromParsedBody, verbatimTransformer } from './verbatim.js';

/**
 * When a value breaks several rules, the one about its type says the most:
 * `max_tokens: "10"` is "must be an integer", not "must not be less than 1".
 */
const TYPE_RULES = ['isDefined', 'isObject', 'isArray', 'isString', 'isInt', 'isNumber', 'isBoolean', 'isIn'];

function mainConstraint(constraints: Record<string, string>): string {
  const rule = TYPE_RULES.find((name) => name in constraints) ?? Object.keys(constraints)[0];
  return constraints[rule];
}

/** `messages[2].tool_calls[0].function` from class-validator's nested error tree. */
function firstProblem(errors: ValidationError[], prefix = ''): { param: string; message: string } {
  const error = errors[0];
  const path = /^\d+$/.test(error.property)
    ? `${prefix}[${error.property}]`
    : prefix
      ? `${prefix}.${error.property}`
      : error.property;
  if (error.constraints) {
    const message = mainConstraint(error.constraints);
    // A validator that checks a whole list in one pass names the element itself: `messages[2].role: ...`.
    const named = /^([\w.[\]]+): (.*)$/s.exec(message);
    if (named && named[1].startsWith(error.property)) {
      return { param: prefix ? `${prefix}.${named[1]}` : named[1], message: named[2] };
    }
    return { param: path, message };
  }
  if (error.children?.length) return firstProblem(error.children, path);
  return { param: path, message: `${error.property} is invalid` };
}

/**
 * Nest's pipe, without the two walks over a body that cannot change it:
 * a body parsed here has no sparse arrays, and one whose bytes proved it has
 * no prototype keys has none to delete (see body/plain-json.ts). Every other
 * value is walked as Nest walks it.
 */
class GatewayValidationPipe extends ValidationPipe {
  protected override closeArrayGaps(value: unknown): void {
    if (!isParsedBody(value)) super.closeArrayGaps(value);
  }

  protected override stripProtoKeys(value: unknown): void {
    if (!isProtoKeyFree(value)) super.stripProtoKeys(value);
  }

  /** JSON has no binary values: an instance made from a body parsed here has none to look for. */
  protected override findNestedBinaryValues(object: unknown, cache?: Map<unknown, unknown[]>): ValidationError[] {
    return madeFromParsedBody(object) ? [] : super.findNestedBinaryValues(object, cache as Map<unknown, never[]>);
  }

  /**
   * Every validator of a request body is synchronous: no promise per
   * property to wait for. Only the fields the body has, and the required
   * ones, are worked through (see `validatePresentFields`).
   */
  protected override validate(object: object, options?: ValidatorOptions): ValidationError[] {
    return validatePresentFields(object, options);
  }
}

/** What Nest's pipe uses of class-validator: `validate` (synchronous here, see `validate` above) and the rules' storage. */
const classValidator = { validate: validatePresentFields, getMetadataStorage };

/**
 * Whitelisting strips the many fields OpenAI clients send that Claude has no
 * use for; unknown fields are never an error (no `forbidNonWhitelisted`).
 */
export function createValidationPipe(): ValidationPipe {
  cacheValidationMetadata();
  return new GatewayValidationPipe({
    transform: true,
    whitelist: true,
    transformerPackage: verbatimTransformer,
    // Nest validates with validatePresentFields, as the `validate` override does; the metadata
    // storage is what Nest reads to look for binary values in nested objects.
    validatorPackage: classValidator,
    exceptionFactory: (errors) => {
      const { param, message } = firstProblem(errors);
      return invalidRequest(`Invalid '${param}': ${message}.`, param);
    },
  });
}
