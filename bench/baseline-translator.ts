/**
 * The floor to compare the gateway against: a bare node:http server that
 * does only the work that cannot be skipped, with the same pure mappers and
 * the fastest Node HTTP client (`undici.request` on a keep-alive pool, scoped
 * to this server: never installed as Node's global dispatcher). No
 * framework, no validation, no SDK.
 *
 * Non-streaming clients get one non-streaming upstream call; streaming
 * clients get each upstream event mapped and written as it arrives.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { createServer, type ServerResponse } from 'node:http';
import { Agent, request } from 'undici';
import { addChunk, assembledCompletion, createAssembly } from '../src/translation/chat/completion.assembler.js';
import { messageToEvents } from '../src/upstream/message-events.js';
import { toAnthropicRequest } from '../src/translation/chat/request.mapper.js';
import { createStreamState, eventToChunks, finalChunks } from '../src/translation/chat/stream.mapper.js';
import { defaultMaxTokens } from '../src/translation/chat/tables.js';

const upstream = `${process.env.ANTHROPIC_BASE_URL}/v1/messages`;
const pool = new Agent({ keepAliveTimeout: 30_000 });
const headers = {
  'content-type': 'application/json',
  'anthropic-version': '2023-06-01',
  'x-api-key': process.env.ANTHROPIC_API_KEY ?? '',
};

createServer(async (req, res) => {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  if (req.url !== '/v1/chat/completions') {
    res.writeHead(200).end('ok');
    return;
  }
  const abort = new AbortController();
  res.once('close', () => res.writableFinished || abort.abort());
  try {
    const body = JSON.parse(Buffer.concat(parts).toString('utf8'));
    const params = { ...toAnthropicRequest(body, { maxTokens: defaultMaxTokens }), stream: body.stream === true };
    const answer = await request(upstream, { dispatcher: pool, method: 'POST', headers, body: JSON.stringify(params), signal: abort.signal });
    if (answer.statusCode !== 200) {
      res.writeHead(answer.statusCode, { 'content-type': 'application/json' }).end(await answer.body.text());
      return;
    }
    const state = createStreamState(body.model, body.stream_options?.include_usage === true);
    if (body.stream) return await relay(answer.body, state, res);
    const assembly = createAssembly();
    for (const event of messageToEvents((await answer.body.json()) as Anthropic.Message)) {
      for (const chunk of eventToChunks(state, event)) addChunk(assembly, chunk);
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(assembledCompletion(assembly, state)));
  } catch (error) {
    if (!res.headersSent) res.writeHead(500);
    res.end(String(error));
  }
}).listen(Number(process.env.PORT), '127.0.0.1');

/** Upstream SSE → OpenAI chunks, written one by one with back-pressure. */
async function relay(body: AsyncIterable<Buffer> & { setEncoding(e: string): unknown }, state: ReturnType<typeof createStreamState>, res: ServerResponse) {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  body.setEncoding('utf8');
  let buffer = '';
  for await (const text of body as unknown as AsyncIterable<string>) {
    buffer += text;
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const at = frame.indexOf('data: ');
      if (at < 0) continue;
      const event = JSON.parse(frame.slice(at + 6)) as Anthropic.RawMessageStreamEvent;
      for (const chunk of eventToChunks(state, event)) {
        if (!res.write(`data: ${JSON.stringify(chunk)}\n\n`)) await drained(res);
      }
    }
  }
  for (const chunk of finalChunks(state)) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  res.end('data: [DONE]\n\n');
}

/** Resolves when a slow reader has caught up, or has gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}
