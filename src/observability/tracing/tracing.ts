import type { OpenTelemetryOptions } from '@anthropic-ai/sdk';
import { Logger } from '@nestjs/common';
import { type Attributes, context, type Span, SpanKind, SpanStatusCode, trace, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { redactSecrets } from '../../common/redaction/redact.js';
import type { AppConfig } from '../../config/app-config.js';

/** The parts of a tracer provider the gateway uses; the SDK's BasicTracerProvider is one. */
interface ExportingProvider extends TracerProvider {
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry tracing, on only when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 * Off, the OpenTelemetry SDK and exporter are never imported, no context
 * manager is installed and the Anthropic client is built with its own
 * tracing off, so an untraced gateway pays nothing. On, each request gets a
 * SERVER span with the GenAI attributes, and the Anthropic SDK's own CLIENT
 * span for the upstream call (its `openTelemetry` option) becomes its child.
 * The provider is this gateway's, not the global one, so gateways side by
 * side in one process (tests) export separately.
 */
export class Tracing {
  private constructor(
    private readonly provider: ExportingProvider | null,
    private readonly tracer: Tracer | null,
  ) {}

  static off(): Tracing {
    return new Tracing(null, null);
  }

  static async create(config: AppConfig): Promise<Tracing> {
    const endpoint = config.get('OTEL_EXPORTER_OTLP_ENDPOINT');
    if (!endpoint) return Tracing.off();
    const [{ BasicTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }, { AsyncLocalStorageContextManager }] =
      await Promise.all([
        import('@opentelemetry/sdk-trace-base'),
        import('@opentelemetry/exporter-trace-otlp-http'),
        import('@opentelemetry/resources'),
        import('@opentelemetry/context-async-hooks'),
      ]);
    // Parents follow async calls only with a context manager; the first one installed stays (false after that is fine).
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` });
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({
        'service.name': config.get('OTEL_SERVICE_NAME'),
        'service.version': process.env.npm_package_version ?? 'unknown',
      }),
      spanProcessors: [new BatchSpanProcessor(exporter)],
    });
    // Where the endpoint is, not what it is: its URL may carry credentials.
    new Logger('Tracing').log('OpenTelemetry tracing on: spans are exported over OTLP/HTTP');
    return new Tracing(provider, provider.getTracer('claude-code-proxy'));
  }

  get enabled(): boolean {
    return this.tracer !== null;
  }

  /** The Anthropic client's `openTelemetry` option: its spans join ours, or it makes none. */
  sdkOption(): OpenTelemetryOptions | false {
    return this.provider ? { tracerProvider: this.provider, traces: { enabled: true, contentMode: 'metadata_only' } } : false;
  }

  /** A SERVER span for an incoming request, or null when tracing is off. */
  startRequestSpan(method: string): Span | null {
    return this.tracer?.startSpan(`${method} request`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method } }) ?? null;
  }

  /** Runs `fn` with `span` active, so spans started inside it (the SDK's) become its children. */
  runInSpan<T>(span: Span, fn: () => T): T {
    return context.with(trace.setSpan(context.active(), span), fn);
  }

  endRequestSpan(span: Span, name: string, attributes: Attributes, error?: { type: string; message: string }): void {
    span.updateName(name);
    span.setAttributes(attributes);
    if (error) {
      span.setAttribute('error.type', error.type);
      span.setStatus({ code: SpanStatusCode.ERROR, message: redactSecrets(error.message) });
    }
    span.end();
  }

  /** Flushes spans still queued; called at shutdown. */
  async shutdown(): Promise<void> {
    await this.provider?.shutdown();
  }
}
