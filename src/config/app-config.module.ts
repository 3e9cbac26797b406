import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AppConfig } from './app-config.js';
import { credentialEntries } from './credential-pool-file.js';
import { type EnvironmentVariables, validateEnvironment } from './environment.js';
import { LaunchEnvironment } from './launch-environment.js';

/**
 * The environment is passed in rather than read from `process.env` inside,
 * so that tests start several gateways in one process with different settings
 * and nothing is written back into `process.env`.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(env: Record<string, string | undefined>): DynamicModule {
    const validated = validateEnvironment(env);
    // Read now, so a bad CREDENTIALS_FILE stops start-up with every problem named, as a bad variable does.
    const credentials = credentialEntries(validated, env);
    return {
      module: AppConfigModule,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          skipProcessEnv: true,
          load: [() => ({ ...validated })],
        }),
      ],
      providers: [
        { provide: AppConfig, useFactory: (config: ConfigService<EnvironmentVariables, true>) => new AppConfig(config, credentials), inject: [ConfigService] },
        { provide: LaunchEnvironment, useValue: new LaunchEnvironment(env) },
      ],
      exports: [AppConfig, LaunchEnvironment],
    };
  }
}
