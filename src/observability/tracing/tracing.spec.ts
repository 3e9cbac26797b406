import 'reflect-metadata';
import { testConfig } from '../../config/testing.js';
import { Tracing } from './tracing.js';

const configOf = testConfig;

describe('Tracing', () => {
  it('is off without OTEL_EXPORTER_OTLP_ENDPOINT: no span, and the SDK client told to make none', async () => {
    const tracing = await Tracing.create(configOf());
    expect(tracing.enabled).toBe(false);
    expect(tracing.startRequestSpan('POST')).toBeNull();
    expect(tracing.sdkOption()).toBe(false);
    await tracing.shutdown();
  });

  it('with an endpoint, hands the SDK its own tracer provider with content left out of spans', async () => {
    const tracing = await Tracing.create(configOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }));
    try {
      expect(tracing.enabled).toBe(true);
      expect(tracing.sdkOption()).toMatchObject({ traces: { enabled: true, contentMode: 'metadata_only' } });
      expect(tracing.startRequestSpan('POST')).not.toBeNull();
    } finally {
      await tracing.shutdown();
    }
  });
});
