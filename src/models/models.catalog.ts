/** OpenAI's model object. */
export interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: 'anthropic';
}

const model = (id: string, released: string): ModelObject => ({
  id,
  object: 'model',
  created: Math.floor(Date.parse(`${released}T00:00:00Z`) / 1000),
  owned_by: 'anthropic',
});

/**
 * Current Claude models on the Messages API (models overview, 2026-11),
 * newest first: what `/v1/models` lists when upstream's own list cannot be
 * fetched. Informational: any model id is passed upstream as sent.
 */
export const MODELS: readonly ModelObject[] = [
  model('claude-fable-5-2', '2026-11-09'),
  model('claude-haiku-5-5', '2026-10-07'),
  model('claude-sonnet-5-5', '2026-09-28'),
  model('claude-opus-5-5', '2026-09-22'),
  model('claude-fable-5-1', '2026-09-01'),
  model('claude-opus-5', '2026-07-24'),
  model('claude-sonnet-5', '2026-06-30'),
  model('claude-fable-5', '2026-06-09'),
  model('claude-opus-4-8', '2026-05-28'),
  model('claude-opus-4-7', '2026-04-16'),
  model('claude-sonnet-4-6', '2026-02-17'),
  model('claude-opus-4-6', '2026-02-05'),
  model('claude-opus-4-5', '2025-11-24'),
  model('claude-haiku-4-5', '2025-10-15'),
];
