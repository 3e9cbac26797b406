/**
 * The loopback Anthropic stand-in as a process of its own, for load tests.
 * Any path answers, so the harness's readiness probe needs nothing special.
 */
import { AnthropicStandIn, messageReply } from '../test/support/anthropic-stand-in.js';

const reply = messageReply({
  text: 'The quick brown fox jumps over the lazy dog. '.repeat(8),
  usage: { input_tokens: 120, output_tokens: 80 },
}, { fragment: 40 });
const standIn = await AnthropicStandIn.start(Number(process.env.PORT));
standIn.setDefault((req) => {
  // Under load the record of past requests would only grow.
  standIn.requests.length = 0;
  return reply(req);
});
