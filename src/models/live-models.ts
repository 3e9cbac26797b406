import type Anthropic from '@anthropic-ai/sdk';
import type { KnownModel } from './models.catalog.js';

/** Upstream's models (`GET /v1/models`) as the gateway keeps them. Retired models cannot be used and are left out. Pure. */
export function toKnownModels(models: readonly Anthropic.ModelInfo[]): KnownModel[] {
  return models
    .filter((m) => m.lifecycle !== 'retired')
    .map((m) => ({ id: m.id, display_name: m.display_name, created_at: m.created_at }));
}
