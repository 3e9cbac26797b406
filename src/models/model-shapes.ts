import { invalidRequest } from '../common/errors/gateway-error.js';
import type { KnownModel } from './models.catalog.js';

/** OpenAI's model object. */
export interface OpenAIModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: 'anthropic';
}

/** Anthropic's model object (`GET /v1/models/{id}`). */
export interface AnthropicModel {
  type: 'model';
  id: string;
  display_name: string;
  created_at: string;
}

/** Anthropic's page of models (`GET /v1/models`). */
export interface AnthropicModelPage {
  data: AnthropicModel[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

export function toOpenAIModel(model: KnownModel): OpenAIModel {
  const ms = Date.parse(model.created_at);
  return { id: model.id, object: 'model', created: Number.isFinite(ms) ? Math.floor(ms / 1000) : 0, owned_by: 'anthropic' };
}

export function toAnthropicModel(model: KnownModel): AnthropicModel {
  return { type: 'model', id: model.id, display_name: model.display_name, created_at: model.created_at };
}

/** The paging parameters of Anthropic's model list. */
export interface PageQuery {
  limit?: unknown;
  after_id?: unknown;
  before_id?: unknown;
}

/**
 * One page of the list, as Anthropic pages it: `limit` (1 to 1000, 20 when
 * absent) models after `after_id`, or before `before_id`. Pure.
 */
export function anthropicPage(models: readonly KnownModel[], query: PageQuery): AnthropicModelPage {
  const limit = query.limit === undefined ? 20 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalidRequest('limit: Input should be an integer between 1 and 1000', 'limit');
  let start = 0;
  let end = models.length;
  if (typeof query.after_id === 'string') start = models.findIndex((m) => m.id === query.after_id) + 1;
  if (typeof query.before_id === 'string') end = Math.max(0, models.findIndex((m) => m.id === query.before_id));
  const from = typeof query.before_id === 'string' ? Math.max(start, end - limit) : start;
  const page = models.slice(from, Math.min(end, from + limit)).map(toAnthropicModel);
  const hasMore = typeof query.before_id === 'string' ? from > start : from + limit < end;
  return { data: page, has_more: hasMore, first_id: page[0]?.id ?? null, last_id: page.at(-1)?.id ?? null };
}
