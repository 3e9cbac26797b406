/**
 * Input tokens billed for a 20-turn agent conversation through the gateway,
 * with automatic prompt caching (PROMPT_CACHE=auto, the default) and without
 * (PROMPT_CACHE=off). The stand-in meters usage as the Messages API does
 * (token estimate: 4 characters each; cache reads 0.1×, writes 1.25×).
 *
 *   npm run bench:cache
 */
import { createApp } from '../src/app.factory.js';
import OpenAI from 'openai';
import { AnthropicStandIn } from '../test/support/anthropic-stand-in.js';
import { runAgentConversation, totalBilled } from '../test/support/agent-conversation.js';

const MODEL = 'claude-sonnet-5-5';

async function measure(mode: 'auto' | 'off') {
  const standIn = await AnthropicStandIn.start();
  standIn.meterUsage = true;
  const app = await createApp(
    { ANTHROPIC_BASE_URL: standIn.url, ANTHROPIC_API_KEY: 'sk-ant-api03-bench-key-0123456789', PROMPT_CACHE: mode, LOG_LEVEL: 'error' },
  );
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  try {
    const usage = await runAgentConversation(new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 }), standIn, MODEL);
    return { usage, billed: totalBilled(usage), prompt: usage.reduce((s, u) => s + u.prompt, 0) };
  } finally {
    await app.close();
    await standIn.close();
  }
}

const withCache = await measure('auto');
const without = await measure('off');
console.log(`20-turn agent conversation, ${MODEL}, prompt tokens sent in total: ${without.prompt}`);
console.log(`  billed input tokens, PROMPT_CACHE=off : ${without.billed}`);
console.log(`  billed input tokens, PROMPT_CACHE=auto: ${withCache.billed} (${Math.round((100 * withCache.billed) / without.billed)}% of off)`);
console.log('  per turn with caching (prompt / read / written):');
for (const [i, u] of withCache.usage.entries()) console.log(`    ${String(i + 1).padStart(2)}: ${u.prompt} / ${u.cacheRead} / ${u.cacheWrite}`);
