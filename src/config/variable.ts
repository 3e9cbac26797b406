import 'reflect-metadata';

/** Where a variable is set in the Helm chart. */
export type HelmBinding =
  /** A values path (`config.logLevel`) that the deployment template turns into this variable. */
  | { value: string }
  /** Set by the chart itself from other values (PORT from containerPort, the auth Secret, ...). */
  | { derived: string }
  /** Not in the chart's values on purpose; set through `extraEnv` (the reason is the string). */
  | { extraEnv: string };

export interface VariableDoc {
  /** One line for README's configuration table. */
  doc: string;
  /** The value is a credential: never echoed, redacted wherever it could appear. */
  secret?: boolean;
  /** README's default column when the class default is computed or absent. */
  defaultText?: string;
  helm: HelmBinding;
}

const VARIABLES = Symbol('variables');

/**
 * Declares an environment variable's documentation beside its validation, so
 * the README table, the Helm chart and the class are held together by one
 * test (`config-sources.spec.ts`) instead of by memory.
 */
export function Variable(doc: VariableDoc): PropertyDecorator {
  return (target, key) => {
    const list: Array<[string, VariableDoc]> = Reflect.getMetadata(VARIABLES, target) ?? [];
    Reflect.defineMetadata(VARIABLES, [...list, [String(key), doc]], target);
  };
}

/** Every declared variable with its documentation, in declaration order. */
export function declaredVariables(target: { prototype: object }): ReadonlyArray<readonly [string, VariableDoc]> {
  return Reflect.getMetadata(VARIABLES, target.prototype) ?? [];
}
