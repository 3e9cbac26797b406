/**
 * The floor of the stack the gateway is built on: the bare translator's work
 * (baseline-translator.ts) inside a minimal Nest application on
 * platform-express (on the gateway's adapter), with the body read by hand,
 * no validation, no middleware, no observability. With STACK_FLOOR_SDK=1 upstream is called
 * through the Anthropic SDK on the gateway's own transport (undici-fetch.ts),
 * as the gateway calls it; without, straight through `undici.request`.
 *
 * Whatever this costs per request, the gateway cannot cost less while it
 * keeps Nest, Express and the SDK: the bench prints it beside the targets.
 * Non-streaming only (the throughput section).
 */
import 'reflect-metadata';
import Anthropic from '@anthropic-ai/sdk';
import { Controller, HttpCode, Module, Post, Req, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import { Agent, request } from 'undici';
import { addChunk, assembledCompletion, createAssembly } from '../src/translation/chat/completion.assembler.js';
import { toAnthropicRequest } from '../src/translation/chat/request.mapper.js';
import { createStreamState, eventToChunks } from '../src/translation/chat/stream.mapper.js';
import { defaultMaxTokens } from '../src/translation/chat/tables.js';
import { messageToEvents } from '../src/upstream/message-events.js';
import { GatewayExpressAdapter } from '../src/common/fast/express-adapter.js';
import { createUndiciFetch } from '../src/common/fast/undici-fetch.js';

const upstream = process.env.ANTHROPIC_BASE_URL ?? '';
const apiKey = process.env.ANTHROPIC_API_KEY ?? '';

/** One non-streaming Messages call, the way this floor is configured to make it. */
function messageCaller(): (params: Anthropic.MessageCreateParamsNonStreaming, signal: AbortSignal) => Promise<Anthropic.Message> {
  if (process.env.STACK_FLOOR_SDK === '1') {
    // As the gateway builds its client (anthropic-client.ts): its transport, its SDK tracing off.
    const client = new Anthropic({ apiKey, authToken: null, baseURL: upstream, fetch: createUndiciFetch().fetch, openTelemetry: false, logLevel: 'warn' });
    return (params, signal) => client.messages.create(params, { signal });
  }
  const pool = new Agent({ keepAliveTimeout: 30_000 });
  const headers = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': apiKey };
  return async (params, signal) => {
    const answer = await request(`${upstream}/v1/messages`, { dispatcher: pool, method: 'POST', headers, body: JSON.stringify(params), signal });
    return (await answer.body.json()) as Anthropic.Message;
  };
}

const callUpstream = messageCaller();

@Controller('v1')
class FloorController {
  @Post('chat/completions')
  @HttpCode(200)
  async create(@Req() req: Request, @Res() res: Response): Promise<void> {
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    const abort = new AbortController();
    res.once('close', () => res.writableFinished || abort.abort());
    const body = JSON.parse(Buffer.concat(parts).toString('utf8'));
    const params = { ...toAnthropicRequest(body, { maxTokens: defaultMaxTokens }), stream: false as const };
    let message: Anthropic.Message;
    try {
      message = await callUpstream(params as Anthropic.MessageCreateParamsNonStreaming, abort.signal);
    } catch (error) {
      // The load generator hangs up at the end of each round: an aborted call is nobody's error.
      if (abort.signal.aborted) return;
      throw error;
    }
    const state = createStreamState(body.model, false);
    const assembly = createAssembly();
    for (const event of messageToEvents(message)) for (const chunk of eventToChunks(state, event)) addChunk(assembly, chunk);
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(JSON.stringify(assembledCompletion(assembly, state)));
  }
}

@Module({ controllers: [FloorController] })
class FloorModule {}

// The gateway's adapter (requests and responses born on Express's prototypes): a floor must not be slower than the gateway for want of it.
const app = await NestFactory.create<NestExpressApplication>(FloorModule, new GatewayExpressAdapter(), { bodyParser: false, logger: ['error'] });
app.disable('x-powered-by');
app.set('etag', false);
await app.listen(Number(process.env.PORT), '127.0.0.1');
