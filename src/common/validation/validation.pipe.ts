import { ValidationPipe } from '@nestjs/common';
import { getMetadataStorage, type ValidationError } from 'class-validator';
import { invalidRequest } from '../errors/gateway-error.js';
import { cacheValidationMetadata, validatePresentFields } from '../fast/validation-metadata-cache.js';
import { GatewayValidationPipe } from '../fast/validation-pipe.js';
import { verbatimTransformer } from './verbatim.js';

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

/** What Nest's pipe uses of class-validator: `validate` (synchronous here, as fast/validation-pipe.ts's `validate`) and the rules' storage. */
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
