import { AnthropicStandIn, errorReply, modelInfo } from './support/anthropic-stand-in.js';
import { startGateway, TEST_API_KEY, type Gateway } from './support/gateway.js';

/** `/v1/models` lists what the credential can use: upstream's list, cached, the built-in one when upstream fails. */
describe('live model list', () => {
  let standIn: AnthropicStandIn;
  let gw: Gateway | undefined;
  beforeEach(async () => {
    standIn = await AnthropicStandIn.start();
  });
  afterEach(async () => {
    await gw?.close();
    await standIn.close();
  });

  const ids = async () => {
    const out: string[] = [];
    for await (const model of gw!.openai.models.list()) out.push(model.id);
    return out;
  };
  const modelCalls = () => standIn.requests.filter((r) => r.path.startsWith('/v1/models'));

  it('lists upstream’s models in OpenAI’s shape, and fetches them once', async () => {
    standIn.models = Array.from({ length: 3 }, (_, i) => modelInfo(`claude-live-${i}`, '2026-10-01T00:00:00Z'));
    gw = await startGateway(standIn);
    expect(await ids()).toEqual(['claude-live-0', 'claude-live-1', 'claude-live-2']);
    expect(await gw.openai.models.retrieve('claude-live-1')).toEqual({
      id: 'claude-live-1',
      object: 'model',
      created: Date.parse('2026-10-01T00:00:00Z') / 1000,
      owned_by: 'anthropic',
    });
    await ids();
    expect(modelCalls()).toHaveLength(1);
    expect(modelCalls()[0].headers['x-api-key']).toBe(TEST_API_KEY);
    expect(modelCalls()[0].headers.authorization).toBeUndefined();
  });

  it('lists them with a Claude subscription token too (bearer and the OAuth beta header)', async () => {
    const token = 'sk-ant-oat01-models-test-token-0123456789';
    standIn.auth = { oauthTokens: [token] };
    standIn.models = [modelInfo('claude-subscription-model')];
    gw = await startGateway(standIn, { ANTHROPIC_API_KEY: undefined, CLAUDE_ACCESS_TOKEN: token });
    expect(await ids()).toEqual(['claude-subscription-model']);
    expect(modelCalls()[0].headers.authorization).toBe(`Bearer ${token}`);
  });

  it('falls back to the built-in list when upstream cannot list them', async () => {
    standIn.modelsReply = errorReply(500, 'api_error', 'Internal server error');
    gw = await startGateway(standIn);
    const listed = await ids();
    expect(listed).toContain('claude-sonnet-5-5');
    expect(listed).toContain('claude-opus-4-8');
    expect(modelCalls()).toHaveLength(1);
    expect(gw.logs.text).toMatch(/serving the built-in list/);
    expect(gw.logs.text).not.toContain(TEST_API_KEY);
  });
});
