/** A model the gateway lists: what both APIs' model objects are made from (model-shapes.ts), named as Anthropic names it. */
export interface KnownModel {
  id: string;
  display_name: string;
  /** RFC 3339, as upstream's model list gives it. */
  created_at: string;
}

/** `claude-sonnet-5-5` → `Claude Sonnet 5.5`: the name Anthropic's list would give. */
export function displayNameOf(id: string): string {
  const [, family, version] = /^claude-([a-z]+)-(\d+(?:-\d+)?)$/.exec(id) ?? [];
  if (!family) return id;
  return `Claude ${family[0].toUpperCase()}${family.slice(1)} ${version.replace('-', '.')}`;
}

const model = (id: string, released: string): KnownModel => ({ id, display_name: displayNameOf(id), created_at: `${released}T00:00:00Z` });

/**
 * Current Claude models on the Messages API (models overview, 2026-11),
 * newest first: what `/v1/models` lists when upstream's own list cannot be
 * fetched. Informational: any model id is passed upstream as sent.
 */
export const MODELS: readonly KnownModel[] = [
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
