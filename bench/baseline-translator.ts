/**
 * The floor to compare the gateway against: a bare node:http server that
 * does only the work that cannot be skipped, with the same pure mappers:
 * parse, translate, one streaming fetch upstream, map each event, assemble,
 * serialise. No framework, no validation, no SDK.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { createServer } from 'node:http';
import { addChunk, assembledCompletion, createAssembly } from '../src/completions/translation/completion.assembler.js';
import { toAnthropicRequest } from '../src/completions/translation/request.mapper.js';
import { createStreamState, eventToChunks } from '../src/completions/translation/stream.mapper.js';
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
    const params = { ...toAnthropicRequest(body, { maxTokens: defaultMaxTokens }), stream: true };
    const answer = await fetch(upstream, { method: 'POST', headers, body: JSON.stringify(params) });
    const state = createStreamState(body.model, false);
    const assembly = createAssembly();
    let buffer = '';
    const decoder = new TextDecoder();
    for await (const bytes of answer.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(bytes, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const data = /^data: (.*)$/m.exec(buffer.slice(0, cut))?.[1];
        buffer = buffer.slice(cut + 2);
        if (data) for (const chunk of eventToChunks(state, JSON.parse(data) as Anthropic.RawMessageStreamEvent)) addChunk(assembly, chunk);
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(assembledCompletion(assembly, state)));
  } catch (error) {
    res.writeHead(500).end(String(error));
  }
}).listen(Number(process.env.PORT), '127.0.0.1');
