/** Injectable so that the macOS-only Keychain path is testable on Linux. */
export class Platform {
  constructor(readonly name: NodeJS.Platform = process.platform) {}

  get isMacOS(): boolean {
    return this.name === 'darwin';
  }
}
