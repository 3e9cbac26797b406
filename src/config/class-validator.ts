import type { ValidationError, ValidatorOptions } from 'class-validator';
import { IsArray } from 'class-validator/cjs/decorator/typechecker/IsArray.js';
import { IsBoolean } from 'class-validator/cjs/decorator/typechecker/IsBoolean.js';
import { IsInt } from 'class-validator/cjs/decorator/typechecker/IsInt.js';
import { IsNumber } from 'class-validator/cjs/decorator/typechecker/IsNumber.js';
import { IsObject } from 'class-validator/cjs/decorator/typechecker/IsObject.js';
import { IsString } from 'class-validator/cjs/decorator/typechecker/IsString.js';
import { IsDefined } from 'class-validator/cjs/decorator/common/IsDefined.js';
import { IsIn } from 'class-validator/cjs/decorator/common/IsIn.js';
import { IsNotEmpty } from 'class-validator/cjs/decorator/common/IsNotEmpty.js';
import { IS_OPTIONAL, IsOptional } from 'class-validator/cjs/decorator/common/IsOptional.js';
import { Validate, ValidatorConstraint } from 'class-validator/cjs/decorator/common/Validate.js';
import { ValidateIf } from 'class-validator/cjs/decorator/common/ValidateIf.js';
import { ValidateNested } from 'class-validator/cjs/decorator/common/ValidateNested.js';
import { Max } from 'class-validator/cjs/decorator/number/Max.js';
import { Min } from 'class-validator/cjs/decorator/number/Min.js';
import { IsUrl } from 'class-validator/cjs/decorator/string/IsUrl.js';
import { MinLength } from 'class-validator/cjs/decorator/string/MinLength.js';
import { registerDecorator } from 'class-validator/cjs/register-decorator.js';
import { getMetadataStorage } from 'class-validator/cjs/metadata/MetadataStorage.js';
import { getFromContainer } from 'class-validator/cjs/container.js';
import { Validator } from 'class-validator/cjs/validation/Validator.js';

/**
 * The parts of class-validator this gateway uses, loaded from its own files
 * rather than its index: the index loads every decorator it has, and with
 * them libphonenumber-js's full metadata and most of validator.js, about
 * 3 MB of heap held for the life of the process for rules nothing here uses.
 * Import class-validator through this module (architecture.spec.ts checks;
 * types may come from the package itself).
 *
 * class-validator has no `exports` map, so these paths are public to Node;
 * its version is pinned exactly in package.json, and a moved file fails
 * start-up and every test at once rather than a request.
 * Their types are the index's (class-validator-files.d.ts).
 */
export {
  getMetadataStorage,
  IS_OPTIONAL,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  MinLength,
  registerDecorator,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidatorConstraint,
};

/** The index's `validateSync(object, options)`: the one validator of the process (class-validator's container). */
export function validateSync(object: object, options?: ValidatorOptions): ValidationError[] {
  return getFromContainer(Validator).validateSync(object, options);
}
