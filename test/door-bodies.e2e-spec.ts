import type { Type } from '@nestjs/common';
import { DOOR_BODIES } from '../src/app.module.js';
import { type DoorBody, jsonBodyMiddleware } from '../src/common/body/json-body.middleware.js';
import { AppConfig } from '../src/config/app-config.js';
import { CompletionsController } from '../src/completions/completions.controller.js';
import { MessagesController } from '../src/messages/messages.controller.js';
import { ModelsController } from '../src/models/models.controller.js';
import { ResponsesController } from '../src/responses/responses.controller.js';
import { postRaw, useGateway } from './support/lifecycle.js';

const ctx = useGateway();

/** A controller's POST routes as Nest registers them (its decorators' `path` and `method` metadata; 1 is POST). */
function postRoutes(controller: Type): string[] {
  const join = (...parts: string[]) => `/${parts.flatMap((p) => p.split('/')).filter(Boolean).join('/')}`;
  const base = String(Reflect.getMetadata('path', controller) ?? '');
  return Object.getOwnPropertyNames(controller.prototype)
    .map((name) => controller.prototype[name] as unknown)
    .filter((handler): handler is object => typeof handler === 'function' && Reflect.getMetadata('method', handler) === 1)
    .map((handler) => join(base, String(Reflect.getMetadata('path', handler) ?? '')));
}

/**
 * The routes of the running app's Express router that take a body (POST, PUT,
 * PATCH, or any method), the client-key and body middlewares' `v1/{*path}` left out.
 */
function appBodyRoutes(): string[] {
  const express = ctx.gw.app.getHttpAdapter().getInstance();
  const stack = (express.router ?? express._router).stack as Array<{ route?: { path: string; methods: Record<string, boolean> } }>;
  const takesBody = (methods: Record<string, boolean>) => methods.post || methods.put || methods.patch || methods._all;
  return [...new Set(stack.filter((l) => l.route && takesBody(l.route.methods) && l.route.path !== '/v1/{*path}').map((l) => l.route!.path))];
}

describe('one layer reads every door\'s body, by a table of the doors\' POST routes', () => {
  it('the table holds exactly the POST routes the doors declare, the Anthropic door\'s forwarded', () => {
    const declared: Record<string, DoorBody> = {};
    for (const controller of [CompletionsController, ResponsesController, ModelsController]) {
      for (const path of postRoutes(controller)) declared[path] = 'parsed';
    }
    for (const path of postRoutes(MessagesController)) declared[path] = 'forwarded';
    expect(DOOR_BODIES).toEqual(declared);
    // And no other controller grew a route with a body the table does not know.
    expect(appBodyRoutes().sort()).toEqual(Object.keys(DOOR_BODIES).sort());
  });

  it('a route with a parameter or a wildcard is refused at start-up, since the exact lookup would never find it', () => {
    const config = ctx.gw.app.get(AppConfig);
    for (const path of ['/v1/responses/:id/cancel', '/v1/{*rest}', '/v1/files/{id}']) {
      expect(() => jsonBodyMiddleware(config, { ...DOOR_BODIES, [path]: 'parsed' })).toThrow(`exact paths only, not ${path}`);
    }
  });

  it.each(Object.keys(DOOR_BODIES))('%s reads its body: text is a 415, as Express matches it (any case, a trailing slash)', async (path) => {
    for (const spelled of [path, `${path.toUpperCase()}/`]) {
      const res = await postRaw(ctx.gw.url, 'hello', { 'content-type': 'text/plain' }, spelled);
      expect([spelled, res.status]).toEqual([spelled, 415]);
      // In the door's own error shape however it is spelled: the Anthropic door's, without `anthropic-version`.
      const anthropic = DOOR_BODIES[path] === 'forwarded';
      expect([spelled, anthropic ? res.json.type : res.json.error.type]).toEqual([spelled, anthropic ? 'error' : 'invalid_request_error']);
    }
  });

  it('a POST to a path no door has reads no body: a 404, not a 415', async () => {
    for (const path of ['/v1/nothing', '/v1/chat/completions/extra', '/v1/models']) {
      const res = await postRaw(ctx.gw.url, 'hello', { 'content-type': 'text/plain' }, path);
      expect([path, res.status]).toEqual([path, 404]);
    }
    expect(ctx.standIn.requests).toHaveLength(0);
  });

  it('the Anthropic door still forwards the body as the client sent it (its bytes kept)', async () => {
    const body = '{"model":"claude-sonnet-5-5",  "max_tokens":16,"messages":[{"role":"user","content":"hi"}]}';
    const res = await postRaw(ctx.gw.url, body, { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, '/v1/messages');
    expect(res.status).toBe(200);
    expect(ctx.standIn.requests.at(-1)?.rawBody).toBe(body);
  });
});
