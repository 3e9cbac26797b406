import { jest } from '@jest/globals';
import type { UpstreamPort } from '../upstream/upstream.port.js';
import { toKnownModels } from './live-models.js';
import { anthropicPage, toOpenAIModel } from './model-shapes.js';
import { displayNameOf, MODELS } from './models.catalog.js';
import { FALLBACK_TTL_MS, LIVE_LIST_TTL_MS, ModelsService } from './models.service.js';

const info = (id: string, lifecycle = 'active') => ({ id, created_at: '2026-09-28T00:00:00Z', lifecycle, display_name: id }) as any;

function service(listModels: (...args: unknown[]) => unknown) {
  return new ModelsService({ listModels } as unknown as UpstreamPort);
}

describe('toKnownModels and the two shapes', () => {
  it('keeps what both shapes need, leaves retired models out, and gives OpenAI model objects', () => {
    const known = toKnownModels([info('claude-a'), info('claude-old', 'retired'), info('claude-dep', 'deprecated')]);
    expect(known.map(toOpenAIModel)).toEqual([
      { id: 'claude-a', object: 'model', created: 1_790_553_600, owned_by: 'anthropic' },
      { id: 'claude-dep', object: 'model', created: 1_790_553_600, owned_by: 'anthropic' },
    ]);
  });

  it("pages Anthropic's way: limit, after_id, before_id, has_more, first_id and last_id", () => {
    const ids = (page: { data: { id: string }[] }) => page.data.map((m) => m.id);
    const all = MODELS.slice(0, 5);
    expect(anthropicPage(all, {})).toMatchObject({ has_more: false, first_id: all[0].id, last_id: all[4].id });
    const first = anthropicPage(all, { limit: '2' });
    expect(first).toMatchObject({ has_more: true, first_id: all[0].id, last_id: all[1].id });
    expect(ids(anthropicPage(all, { limit: '2', after_id: first.last_id }))).toEqual([all[2].id, all[3].id]);
    expect(anthropicPage(all, { limit: '2', after_id: all[3].id })).toMatchObject({ has_more: false, data: [{ type: 'model', id: all[4].id }] });
    expect(anthropicPage(all, { limit: '2', before_id: all[4].id })).toMatchObject({ has_more: true, first_id: all[2].id, last_id: all[3].id });
    expect(() => anthropicPage(all, { limit: '0' })).toThrow('limit');
  });

  it('names built-in models as Anthropic does', () => {
    expect(displayNameOf('claude-sonnet-5-5')).toBe('Claude Sonnet 5.5');
    expect(displayNameOf('claude-opus-5')).toBe('Claude Opus 5');
    expect(displayNameOf('something-else')).toBe('something-else');
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
