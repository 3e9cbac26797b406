/** Types for the class-validator files class-validator.ts loads: each exports what the index exports under the same names. */
declare module 'class-validator/cjs/decorator/typechecker/IsArray.js' {
  export { IsArray } from 'class-validator';
}

declare module 'class-validator/cjs/decorator/typechecker/IsBoolean.js' {
  export { IsBoolean } from 'class-validator';
}

declare module 'class-validator/cjs/decorator/typechecker/IsInt.js' {
  export { IsInt } from 'class-validator';
}

declare module 'class-validator/cjs/decorator/typechecker/IsNumber.js' {
  export { IsNumber } from 'class-validator';
}

declare module 'class-validator/cjs/decorator/typechecker/IsObject.js' {
  export { IsObject } from 'class-validator';
}

declare module 'class-validator/cjs/decorator/typechecker/IsString.js' {
  export { IsString } from 'class-validator';
}

declare module 'class-validator/cjs/decorator/common/IsDefined.js' {
  export { IsDefined } from 'class-validator';
}

declare module 'class-validator/cjs/decorator/common/IsIn.js' {
  export { IsIn } from 'class-validator';
}

declare module 'class-validator/cjs/decorator/common/IsNotEmpty.js' {
  export { IsNotEmpty } from 'class-validator';
}

declare module 'class-validator/cjs/decorator/common/IsOptional.js' {
  export { IS_OPTIONAL, IsOptional } from 'class-validator';
}

declare module 'class-validator/cjs/decorator/common/Validate.js' {
  export { Validate, ValidatorConstraint } from 'class-validator';
}

declare module 'class-validator/cjs/decorator/common/ValidateIf.js' {
  export { ValidateIf } from 'class-validator';
}

declare module 'class-validator/cjs/decorator/common/ValidateNested.js' {
  export { ValidateNested } from 'class-validator';
}

declare module 'class-validator/cjs/decorator/number/Max.js' {
  export { Max } from 'class-validator';
}

declare module 'class-validator/cjs/decorator/number/Min.js' {
  export { Min } from 'class-validator';
}

declare module 'class-validator/cjs/decorator/string/IsUrl.js' {
  export { IsUrl } from 'class-validator';
}

declare module 'class-validator/cjs/decorator/string/MinLength.js' {
  export { MinLength } from 'class-validator';
}

declare module 'class-validator/cjs/register-decorator.js' {
  export { registerDecorator } from 'class-validator';
}

declare module 'class-validator/cjs/metadata/MetadataStorage.js' {
  export { getMetadataStorage } from 'class-validator';
}

declare module 'class-validator/cjs/container.js' {
  export { getFromContainer } from 'class-validator';
}

declare module 'class-validator/cjs/validation/Validator.js' {
  export { Validator } from 'class-validator';
}
