import type { ConfigService } from '@nestjs/config';
import { AppConfig } from './app-config.js';
import { type EnvironmentVariables, validateEnvironment } from './environment.js';

/** The real validated config (defaults included) for unit specs, without a Nest container. */
export function testConfig(env: Record<string, string> = {}): AppConfig {
  const values = validateEnvironment(env);
  const service = { get: (key: keyof EnvironmentVariables) => values[key] };
  return new AppConfig(service as unknown as ConfigService<EnvironmentVariables, true>);
}
