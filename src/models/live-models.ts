import type Anthropic from '@anthropic-ai/sdk';
import type { ModelObject } from './models.catalog.js';

/** Upstream's model (`GET /v1/models`) → OpenAI's model object. Retired models cannot be used and are left out. Pure. */
export function toModelObjects(models: readonly Anthropic.ModelInfo[]): ModelObject[] {
  return models
    .filter((m) => m.lifecycle !== 'retired')
    .map((m) => ({ id: m.id, object: 'model', created: createdSeconds(m.created_at), owned_by: 'anthropic' }));
}

function createdSeconds(createdAt: string): number {
  const ms = Date.parse(createdAt);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
}
