import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AnthropicStandIn, sseReply } from '../support/anthropic-stand-in.js';
import { waitFor } from '../support/claude-home.js';
import { startGateway, TEST_API_KEY } from '../support/gateway.js';

jest.setTimeout(60_000);

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  arrayValue?: { values: OtlpValue[] };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: OtlpValue }[];
}

/** A loopback OpenTelemetry collector: OTLP/HTTP with JSON bodies, as the gateway's exporter sends them. */
class LoopbackCollector {
  readonly spans: OtlpSpan[] = [];
  readonly resources: Record<string, unknown>[] = [];
  readonly paths: string[] = [];
  private constructor(private readonly server: Server) {}

  static async start(): Promise<LoopbackCollector> {
    const server = createServer();
    const collector = new LoopbackCollector(server);
    server.on('request', async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      collector.paths.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const resourceSpans of body.resourceSpans ?? []) {
        collector.resources.push(attributes(resourceSpans.resource?.attributes ?? []));
        for (const scope of resourceSpans.scopeSpans ?? []) collector.spans.push(...scope.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return collector;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function plain(value: OtlpValue): unknown {
  if (value.arrayValue) return value.arrayValue.values.map(plain);
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.stringValue ?? value.boolValue;
}

function attributes(list: { key: string; value: OtlpValue }[]): Record<string, unknown> {
  return Object.fromEntries(list.map(({ key, value }) => [key, plain(value)]));
}

let standIn: AnthropicStandIn;
let collector: LoopbackCollector;

beforeAll(async () => {
  standIn = await AnthropicStandIn.start();
  collector = await LoopbackCollector.start();
});

afterAll(async () => {
  await standIn.close();
  await collector.close();
});

it('exports a request span with the GenAI attributes, and the SDK span for the upstream call as its child', async () => {
  const gw = await startGateway(standIn, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SERVICE_NAME: 'ccp-under-test' });
  try {
    standIn.reply(sseReply({ text: 'Traced hello', usage: { input_tokens: 11, output_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 7 } }));
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-me-1' },
      body: JSON.stringify({ model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    await res.json();
    // The span ends in the same call that writes the request's log line (when the response
    // closes, a moment after the client has its answer): wait for that line, then shut down,
    // which flushes the exporter.
    await waitFor(() => gw.logs.text.includes('"request_id":"trace-me-1"'), 'the request recorded', 15_000);
  } finally {
    await gw.close();
  }

  expect(collector.paths[0]).toMatch(/^POST \/v1\/traces application\/json/);
  expect(collector.resources[0]).toMatchObject({ 'service.name': 'ccp-under-test' });
  const server = collector.spans.find((span) => attributes(span.attributes)['gateway.request_id'] === 'trace-me-1');
  expect(server).toBeDefined();
  expect(server!.name).toBe('chat claude-sonnet-5-5');
  expect(server!.kind).toBe(2); // SERVER
  expect(attributes(server!.attributes)).toMatchObject({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'anthropic',
    'gen_ai.request.model': 'claude-sonnet-5-5',
    'gen_ai.usage.input_tokens': 118,
    'gen_ai.usage.output_tokens': 5,
    'gen_ai.usage.cache_read.input_tokens': 100,
    'gen_ai.usage.cache_write.input_tokens': 7,
    'anthropic.message.stop_reason': 'end_turn',
    'http.route': '/v1/chat/completions',
    'http.response.status_code': 200,
  });
  expect(attributes(server!.attributes)['anthropic.request.id']).toMatch(/^req_/);

  const sdkSpans = collector.spans.filter((span) => span.parentSpanId === server!.spanId);
  expect(sdkSpans).toHaveLength(1);
  expect(sdkSpans[0].traceId).toBe(server!.traceId);
  expect(sdkSpans[0].kind).toBe(3); // CLIENT
  expect(attributes(sdkSpans[0].attributes)).toMatchObject({ 'gen_ai.provider.name': 'anthropic', 'gen_ai.request.model': 'claude-sonnet-5-5' });
  // One name per fact: each GenAI or Anthropic attribute of the gateway's span is on the SDK's span under the same name, with the same value.
  const sdk = attributes(sdkSpans[0].attributes);
  const shared = Object.entries(attributes(server!.attributes)).filter(([name]) => /^(gen_ai|anthropic)\./.test(name));
  expect(shared.map(([name]) => name).sort()).toEqual(
    [
      'anthropic.message.stop_reason',
      'anthropic.request.id',
      'gen_ai.operation.name',
      'gen_ai.provider.name',
      'gen_ai.request.model',
      'gen_ai.usage.cache_read.input_tokens',
      'gen_ai.usage.cache_write.input_tokens',
      'gen_ai.usage.input_tokens',
      'gen_ai.usage.output_tokens',
    ].sort(),
  );
  for (const [name, value] of shared) expect([name, sdk[name]]).toEqual([name, value]);

  // Metadata only: neither the prompt, nor the answer, nor the key is in any span.
  const exported = JSON.stringify(collector.spans);
  expect(exported).not.toContain('Traced hello');
  expect(exported).not.toContain(TEST_API_KEY);
});

it('makes no span for probes: health checks and metrics scrapes', async () => {
  const gw = await startGateway(standIn, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url });
  const before = collector.spans.length;
  try {
    for (const path of ['/health', '/health/live', '/health/ready', '/health/live/', '/metrics']) {
      const res = await fetch(`${gw.url}${path}`, { headers: { 'x-request-id': `probe-${path}` } });
      await res.text();
      expect(res.status).toBe(200);
    }
    // A request that is not a probe, recorded last, so that the probes' records are all done when its line is written.
    await (await fetch(`${gw.url}/v1/models`, { headers: { 'x-request-id': 'not-a-probe' } })).text();
    await waitFor(() => gw.logs.text.includes('"request_id":"not-a-probe"'), 'the request recorded', 15_000);
  } finally {
    await gw.close();
  }
  // One SERVER span, the non-probe's; any other span is the SDK's for its upstream call (the model list), a child of it.
  const spans = collector.spans.slice(before);
  const servers = spans.filter((span) => span.kind === 2);
  expect(servers.map((span) => attributes(span.attributes)['gateway.request_id'])).toEqual(['not-a-probe']);
  for (const span of spans.filter((span) => span.kind !== 2)) expect([span.name, span.parentSpanId]).toEqual([span.name, servers[0].spanId]);
});

it('exports the same request span for the Anthropic door, tokens from the relayed stream, and nothing of its content', async () => {
  const gw = await startGateway(standIn, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url });
  try {
    standIn.reply(sseReply({ text: 'Traced door', usage: { input_tokens: 21, output_tokens: 4 } }));
    const res = await fetch(`${gw.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-request-id': 'trace-door-1' },
      body: JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    await res.text();
    await waitFor(() => gw.logs.text.includes('"request_id":"trace-door-1"'), 'the request recorded', 15_000);
  } finally {
    await gw.close();
  }
  const server = collector.spans.find((span) => attributes(span.attributes)['gateway.request_id'] === 'trace-door-1');
  expect(server).toBeDefined();
  expect(server!.name).toBe('chat claude-sonnet-5-5');
  expect(attributes(server!.attributes)).toMatchObject({
    'gen_ai.request.model': 'claude-sonnet-5-5',
    'gen_ai.usage.input_tokens': 21,
    'gen_ai.usage.output_tokens': 4,
    'anthropic.message.stop_reason': 'end_turn',
    'http.route': '/v1/messages',
    'http.response.status_code': 200,
  });
  expect(attributes(server!.attributes)['anthropic.request.id']).toMatch(/^req_/);
  const exported = JSON.stringify(collector.spans);
  expect(exported).not.toContain('Traced door');
  expect(exported).not.toContain(TEST_API_KEY);
});
