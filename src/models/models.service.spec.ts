import { jest } from '@jest/globals';
import type { UpstreamPort } from '../upstream/upstream.port.js';
import { toModelObjects } from './live-models.js';
import { MODELS } from './models.catalog.js';
import { FALLBACK_TTL_MS, LIVE_LIST_TTL_MS, ModelsService } from './models.service.js';

const info = (id: string, lifecycle = 'active') => ({ id, created_at: '2026-09-28T00:00:00Z', lifecycle, display_name: id }) as any;

function service(listModels: (...args: unknown[]) => unknown) {
  return new ModelsService({ listModels } as unknown as UpstreamPort);
}

describe('toModelObjects', () => {
  it('gives OpenAI model objects and leaves retired models out', () => {
    expect(toModelObjects([info('claude-a'), info('claude-old', 'retired'), info('claude-dep', 'deprecated')])).toEqual([
      { id: 'claude-a', object: 'model', created: 1_790_553_600, owned_by: 'anthropic' },
      { id: 'claude-dep', object: 'model', created: 1_790_553_600, owned_by: 'anthropic' },
    ]);
  });
});

describe('ModelsService', () => {
  it('lists upstream models, cached for the TTL, one fetch for concurrent callers', async () => {
    const list = jest.fn<() => Promise<unknown>>().mockResolvedValue([info('claude-live')]);
    const models = service(list);
    const [a, b] = await Promise.all([models.list(0), models.list(0)]);
    expect(a.map((m) => m.id)).toEqual(['claude-live']);
    expect(b).toBe(a);
    await models.list(LIVE_LIST_TTL_MS - 1);
    expect(list).toHaveBeenCalledTimes(1);
    await models.list(LIVE_LIST_TTL_MS);
    expect(list).toHaveBeenCalledTimes(2);
  });

  it('serves the static list when upstream fails, and asks again after a short while', async () => {
    const list = jest.fn<() => Promise<unknown>>().mockRejectedValueOnce(new Error('down')).mockResolvedValue([info('claude-live')]);
    const models = service(list);
    expect(await models.list(0)).toBe(MODELS);
    expect(await models.list(FALLBACK_TTL_MS - 1)).toBe(MODELS);
    expect((await models.list(FALLBACK_TTL_MS)).map((m) => m.id)).toEqual(['claude-live']);
  });
});
