import OpenAI from 'openai';
import { AnthropicStandIn } from './support/anthropic-stand-in.js';
import { startGateway } from './support/gateway.js';
import { useGateway } from './support/lifecycle.js';
import { createApp } from '../src/app.factory.js';

const ctx = useGateway();

describe('models', () => {
  it('lists current Claude models in OpenAI list shape', async () => {
    const ids: string[] = [];
    for await (const model of ctx.gw.openai.models.list()) {
      expect(model).toEqual({ id: model.id, object: 'model', created: expect.any(Number), owned_by: 'anthropic' });
      ids.push(model.id);
    }
    for (const family of ['opus', 'sonnet', 'haiku']) {
      expect(ids.some((id) => id.startsWith(`claude-${family}-`))).toBe(true);
    }
  });

  it('retrieves one model, and 404s an unknown one in OpenAI shape', async () => {
    expect(await ctx.gw.openai.models.retrieve('claude-opus-5-5')).toMatchObject({ id: 'claude-opus-5-5', object: 'model' });
    const error = await ctx.gw.openai.models.retrieve('gpt-4o').catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error.error).toMatchObject({ code: 'model_not_found', param: 'model' });
  });
});

describe('health', () => {
  it('is live and ready with an API key, naming the source', async () => {
    const live = await fetch(`${ctx.gw.url}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({ status: 'ok' });
    for (const path of ['/health/ready', '/health']) {
      const res = await fetch(ctx.gw.url + path);
      expect(res.status).toBe(200);
      expect(((await res.json()) as any).details.credentials).toMatchObject({ status: 'up', source: 'api-key' });
    }
    // Readiness never calls Anthropic.
    expect(ctx.standIn.requests).toHaveLength(0);
  });
});

describe('without any credential', () => {
  it('stays up: live 200, ready 503 with the reason, requests 401 saying what to do', async () => {
    const standIn = await AnthropicStandIn.start();
    const gw = await startGateway(standIn, {
      ANTHROPIC_API_KEY: undefined,
      CLAUDE_CONFIG_DIR: '/nonexistent/claude-code-proxy-test',
    });
    try {
      expect((await fetch(`${gw.url}/health/live`)).status).toBe(200);
      const ready = await fetch(`${gw.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(JSON.stringify(await ready.json())).toMatch(/ANTHROPIC_API_KEY/);

      const error = await gw.openai.chat.completions
        .create({ model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: 'hi' }] })
        .catch((e) => e);
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(error.message).toMatch(/ANTHROPIC_API_KEY/);
      expect(standIn.requests).toHaveLength(0);
    } finally {
      await gw.close();
      await standIn.close();
    }
  });
});

describe('configuration is validated at start-up', () => {
  it('names every bad variable and never echoes a value', async () => {
    const error = await createApp({ PORT: 'eighty', UPSTREAM_MAX_RETRIES: '-1', ANTHROPIC_API_KEY: 'short' }).catch((e) => e);
    expect(error.message).toMatch(/PORT/);
    expect(error.message).toMatch(/UPSTREAM_MAX_RETRIES/);
    expect(error.message).toMatch(/ANTHROPIC_API_KEY/);
    expect(error.message).not.toContain('short');
  });
});
