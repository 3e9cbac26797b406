import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { invalidRequest } from './gateway-error.js';

/** `messages[2].tool_calls[0].function` from class-validator's nested error tree. */
function firstProblem(errors: ValidationError[], prefix = ''): { param: string; message: string } {
  const error = errors[0];
  const path = /^\d+$/.test(error.property)
    ? `${prefix}[${error.property}]`
    : prefix
      ? `${prefix}.${error.property}`
      : error.property;
  if (error.constraints) {
    const message = Object.values(error.constraints)[0];
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
 * Whitelisting strips the many fields OpenAI clients send that Claude has no
 * use for; unknown fields are never an error (no `forbidNonWhitelisted`).
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => {
      const { param, message } = firstProblem(errors);
      return invalidRequest(`Invalid '${param}': ${message}.`, param);
    },
  });
}
