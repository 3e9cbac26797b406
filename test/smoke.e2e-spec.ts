import { AnthropicStandIn } from './support/anthropic-stand-in.js';
import { startGateway, type Gateway } from './support/gateway.js';

let standIn: AnthropicStandIn;
let gw: Gateway;
beforeAll(async () => {
  standIn = await AnthropicStandIn.start();
  gw = await startGateway(standIn);
});
afterAll(async () => {
  await gw?.close();
  await standIn?.close();
});

it('answers', async () => {
  const r = await gw.openai.chat.completions.create({ model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: 'hi' }] });
  console.log(JSON.stringify(r), JSON.stringify(standIn.last));
  const bad = await fetch(gw.url + '/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{bad' });
  console.log(bad.status, await bad.text());
  const bad2 = await fetch(gw.url + '/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'x', messages: [{ role: 'bot', content: 'x' }] }) });
  console.log(bad2.status, await bad2.text());
  const h = await fetch(gw.url + '/health/ready');
  console.log(h.status, await h.text());
  console.log(gw.logs.text);
});
