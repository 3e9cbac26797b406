import { Controller, Get, Param } from '@nestjs/common';
import { GatewayError } from '../common/gateway-error.js';
import type { ModelObject } from './models.catalog.js';
import { ModelsService } from './models.service.js';

@Controller('v1/models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Get()
  async list(): Promise<{ object: 'list'; data: readonly ModelObject[] }> {
    return { object: 'list', data: await this.models.list() };
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<ModelObject> {
    const found = (await this.models.list()).find((m) => m.id === id);
    if (!found) {
      throw new GatewayError(404, `The model '${id}' does not exist.`, {
        type: 'invalid_request_error',
        param: 'model',
        code: 'model_not_found',
      });
    }
    return found;
  }
}
