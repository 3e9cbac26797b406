/**
 * The environment the gateway was started with, as given to `createApp`
 * (`process.env` in production). Child processes inherit this rather than
 * `process.env`, so a test's gateway runs its own fake CLI on its own PATH
 * and HOME while other gateways share the same process.
 */
export class LaunchEnvironment {
  readonly vars: Readonly<Record<string, string>>;

  constructor(env: Record<string, string | undefined>) {
    this.vars = Object.freeze(
      Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
    );
  }
}
