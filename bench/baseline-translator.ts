/**
 * The floor to compare the gateway against: a bare node:http server that
 * does only what cannot be skipped (parse, translate with the same pure
 * mappers, one fetch upstream, translate back, serialise). No framework, no
 * validation, no SDK.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { createServer } from 'node:http';
import { toAnthropicRequest } from '../src/completions/translation/request.mapper.js';
import { completionIdentity, toChatCompletion } from '../src/completions/translation/response.mapper.js';
import { defaultMaxTokens } from '../src/completions/translation/tables.js';

const upstream = `${process.env.ANTHROPIC_BASE_URL}/v1/messages`;
const headers = {
  'content-type': 'application/json',
  'anthropic-version': '2026-10-21',
  authorization: `Bearer ${process.env.ANTHROPIC_API_KEY}`,
};

createServer(async (req, res) => {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  if (req.url !== '/v1/chat/completions') {
    res.writeHead(200).end('ok');
    return;
  }
  try {
    const body = JSON.parse(Buffer.concat(parts).toString('utf8'));
    const params = toAnthropicRequest(body, { maxTokens: defaultMaxTokens });
    const answer = await fetch(upstream, { method: 'POST', headers, body: JSON.stringify(params) });
    const message = (await answer.json()) as Anthropic.Message;
    const completion = toChatCompletion(message, completionIdentity(message.id, body.model));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion));
  } catch (error) {
    res.writeHead(500).end(String(error));
  }
}).listen(Number(process.env.PORT), '127.0.0.1');
