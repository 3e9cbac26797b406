import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { Tracing } from './tracing.js';

/** Flushes the spans still queued when the application stops. */
@Injectable()
class TracingShutdown implements OnApplicationShutdown {
  constructor(@Inject(Tracing) private readonly tracing: Tracing) {}

  async onApplicationShutdown(): Promise<void> {
    await this.tracing.shutdown();
  }
}

/** Tracing for the upstream port (the SDK's spans) and the request observer (the request's span). */
@Global()
@Module({
  providers: [
    // Async: the OpenTelemetry SDK and exporter are imported only when tracing is on.
    { provide: Tracing, useFactory: (config: AppConfig) => Tracing.create(config), inject: [AppConfig] },
    TracingShutdown,
  ],
  exports: [Tracing],
})
export class TracingModule {}
