import { Injectable, Logger } from '@nestjs/common';
import { UpstreamPort } from '../upstream/upstream.port.js';
import { toKnownModels } from './live-models.js';
import { type KnownModel, MODELS } from './models.catalog.js';

/** How long a fetched list is served before it is fetched again. */
export const LIVE_LIST_TTL_MS = 10 * 60_000;
/** After a failed fetch, the static list is served this long before upstream is asked again. */
export const FALLBACK_TTL_MS = 30_000;

/**
 * The models the credential can use: upstream's list, cached, one fetch at a
 * time; the static catalog when upstream cannot be reached, so `/v1/models`
 * never fails because Anthropic's model list does.
 */
@Injectable()
export class ModelsService {
  private readonly logger = new Logger('Models');
  private cached: { models: readonly KnownModel[]; until: number } | null = null;
  private inflight: Promise<readonly KnownModel[]> | null = null;

  constructor(private readonly upstream: UpstreamPort) {}

  async list(now = Date.now()): Promise<readonly KnownModel[]> {
    if (this.cached && this.cached.until > now) return this.cached.models;
    this.inflight ??= this.fetch(now).finally(() => (this.inflight = null));
    return this.inflight;
  }

  private async fetch(now: number): Promise<readonly KnownModel[]> {
    try {
      const models = toKnownModels(await this.upstream.listModels());
      if (models.length === 0) throw new Error('upstream listed no models');
      this.cached = { models, until: now + LIVE_LIST_TTL_MS };
    } catch (error) {
      this.logger.warn(`listing models upstream failed, serving the built-in list: ${(error as Error).message}`);
      this.cached = { models: MODELS, until: now + FALLBACK_TTL_MS };
    }
    return this.cached.models;
  }
}
