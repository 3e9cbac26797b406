import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import OpenAI from 'openai';
import { AppModule } from '../src/app.module.js';

it('boots', async () => {
  const mod = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = mod.createNestApplication();
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  const r = await fetch(url + '/ping');
  expect(await r.json()).toEqual({ ok: true });
  const client = new OpenAI({ baseURL: url + '/v1', apiKey: 'x', maxRetries: 0 });
  await expect(client.models.list()).rejects.toThrow();
  await app.close();
});
