import { Controller, Get, Param, Req } from '@nestjs/common';
import type { Request } from 'express';
import { isAnthropicClient } from '../common/errors/error-formats.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import {
  type AnthropicModel,
  type AnthropicModelPage,
  anthropicPage,
  type OpenAIModel,
  type PageQuery,
  toAnthropicModel,
  toOpenAIModel,
} from './model-shapes.js';
import { ModelsService } from './models.service.js';

/**
 * Model discovery for both kinds of client: in Anthropic's shape when the
 * request carries `anthropic-version` (Anthropic clients always send it;
 * Claude Code fills its model picker from this), OpenAI's otherwise.
 */
@Controller('v1/models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Get()
  async list(@Req() req: Request): Promise<{ object: 'list'; data: OpenAIModel[] } | AnthropicModelPage> {
    const models = await this.models.list();
    if (isAnthropicClient(req.headers)) return anthropicPage(models, req.query as PageQuery);
    return { object: 'list', data: models.map(toOpenAIModel) };
  }

  @Get(':id')
  async get(@Param('id') id: string, @Req() req: Request): Promise<OpenAIModel | AnthropicModel> {
    const found = (await this.models.list()).find((m) => m.id === id);
    if (!found) {
      throw new GatewayError(404, `The model '${id}' does not exist.`, {
        type: 'invalid_request_error',
        param: 'model',
        code: 'model_not_found',
      });
    }
    return isAnthropicClient(req.headers) ? toAnthropicModel(found) : toOpenAIModel(found);
  }
}
