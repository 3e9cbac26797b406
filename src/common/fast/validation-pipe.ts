import { ValidationPipe } from '@nestjs/common';
import type { ValidationError, ValidatorOptions } from 'class-validator';
import { isParsedBody, isProtoKeyFree } from '../body/plain-json.js';
import { madeFromParsedBody } from '../validation/verbatim.js';
import { validatePresentFields } from './validation-metadata-cache.js';

/**
 * Nest's pipe, with four of its protected methods overridden (outside its
 * documented options; validation-pipe.contract.spec.ts checks that
 * `transform` still calls them): without the two walks over a body that
 * cannot change it, since a body parsed here has no sparse arrays, and one
 * whose bytes proved it has no prototype keys has none to delete (see
 * body/plain-json.ts). Every other value is walked as Nest walks it.
 */
export class GatewayValidationPipe extends ValidationPipe {
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
