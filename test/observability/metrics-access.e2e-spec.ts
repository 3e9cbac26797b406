import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { MetricsListener } from '../../src/observability/metrics-listener.js';
import { AnthropicStandIn } from '../support/anthropic-stand-in.js';
import { type Gateway, startGateway } from '../support/gateway.js';

jest.setTimeout(60_000);

const CLIENT_KEY = 'client-key-0123456789abcdef';
let standIn: AnthropicStandIn;
let gw: Gateway | undefined;

beforeAll(async () => {
  standIn = await AnthropicStandIn.start();
});
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});
afterAll(async () => standIn.close());

const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });
const listenerUrl = (gateway: Gateway) => `http://127.0.0.1:${gateway.app.get(MetricsListener).port}`;

describe('METRICS_PORT', () => {
  it('serves /metrics on its own listener and no longer on the main port', async () => {
    gw = await startGateway(standIn, { METRICS_PORT: '0' });
    expect((await get(`${gw.url}/metrics`)).status).toBe(404);
    const res = await get(`${listenerUrl(gw)}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toContain('claude_proxy_open_streams');
    expect((await get(`${listenerUrl(gw)}/v1/models`)).status).toBe(404);
  });

  it('stops its listener with the application', async () => {
    gw = await startGateway(standIn, { METRICS_PORT: '0' });
    const url = listenerUrl(gw);
    await gw.close();
    gw = undefined;
    await expect(get(`${url}/metrics`)).rejects.toThrow();
  });
});

describe('METRICS_AUTH=client-keys', () => {
  it('wants a client key on the main port, like /v1', async () => {
    gw = await startGateway(standIn, { PROXY_API_KEYS: CLIENT_KEY, METRICS_AUTH: 'client-keys' });
    const denied = await get(`${gw.url}/metrics`);
    expect(denied.status).toBe(401);
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
    expect((await get(`${gw.url}/metrics`, { authorization: 'Bearer wrong-key-0123456789' })).status).toBe(401);
    expect((await get(`${gw.url}/metrics`, { authorization: `Bearer ${CLIENT_KEY}` })).status).toBe(200);
  });

  it('wants it on METRICS_PORT too', async () => {
    gw = await startGateway(standIn, { PROXY_API_KEYS: CLIENT_KEY, METRICS_AUTH: 'client-keys', METRICS_PORT: '0' });
    expect((await get(`${listenerUrl(gw)}/metrics`)).status).toBe(401);
    expect((await get(`${listenerUrl(gw)}/metrics`, { authorization: `Bearer ${CLIENT_KEY}` })).status).toBe(200);
  });

  it('leaves /metrics open by default even when /v1 wants keys', async () => {
    gw = await startGateway(standIn, { PROXY_API_KEYS: CLIENT_KEY });
    expect((await get(`${gw.url}/metrics`)).status).toBe(200);
    expect((await get(`${gw.url}/v1/models`)).status).toBe(401);
  });
});

describe('METRICS_ENABLED=false', () => {
  it('answers 404 on /metrics and serves requests as before', async () => {
    gw = await startGateway(standIn, { METRICS_ENABLED: 'false' });
    expect((await get(`${gw.url}/metrics`)).status).toBe(404);
    const completion = await gw.openai.chat.completions.create({ model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0].message.content).toBeTruthy();
  });
});
