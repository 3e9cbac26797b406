import Anthropic from '@anthropic-ai/sdk';
import { AnthropicStandIn, type SseStep, streamSteps } from './support/anthropic-stand-in.js';
import { startGateway } from './support/gateway.js';

/** The same events with a silence after the first two, so the request is surely in flight. */
const withPause = (steps: SseStep[], ms: number): SseStep[] => [...steps.slice(0, 2), { wait: ms }, ...steps.slice(2)];

describe('graceful shutdown', () => {
  it('lets requests in flight finish, streams included, before the server closes', async () => {
    const standIn = await AnthropicStandIn.start();
    const gw = await startGateway(standIn);
    try {
      standIn.reply(
        { kind: 'sse', steps: withPause(streamSteps({ text: 'finished after close began' }), 300) },
        { kind: 'sse', steps: streamSteps({ text: 'streamed through shutdown' }, { fragment: 3, gapMs: 20 }) },
      );
      const plain = gw.openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'a' }] });
      const streamed = (async () => {
        let text = '';
        const stream = await gw.openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'b' }], stream: true });
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
        return text;
      })();
      while (standIn.requests.length < 2) await new Promise((r) => setTimeout(r, 10));
      const closed = gw.close();
      expect((await plain).choices[0].message.content).toBe('finished after close began');
      expect(await streamed).toBe('streamed through shutdown');
      // Connections the finished requests leave idle are closed at once, not after keepAliveTimeout (5 s).
      const drainedAt = Date.now();
      await closed;
      // Well under those 5 s, with room for a busy machine.
      expect(Date.now() - drainedAt).toBeLessThan(3000);
      await expect(fetch(`${gw.url}/health/live`)).rejects.toThrow();
    } finally {
      await standIn.close();
    }
  });

  it('lets a stream through the Anthropic door finish too', async () => {
    const standIn = await AnthropicStandIn.start();
    const gw = await startGateway(standIn);
    try {
      standIn.reply({ kind: 'sse', steps: streamSteps({ text: 'streamed through shutdown' }, { fragment: 3, gapMs: 20 }) });
      const client = new Anthropic({ baseURL: gw.url, apiKey: 'unused-client-key', maxRetries: 0 });
      const streamed = client.messages.stream({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'b' }] }).finalText();
      while (standIn.requests.length < 1) await new Promise((r) => setTimeout(r, 10));
      const closed = gw.close();
      expect(await streamed).toBe('streamed through shutdown');
      await closed;
    } finally {
      await standIn.close();
    }
  });
});
