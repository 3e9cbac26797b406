import { Controller, Get, Param } from '@nestjs/common';
import { GatewayError } from '../common/gateway-error.js';
import { MODELS, type ModelObject } from './models.catalog.js';

const BY_ID = new Map(MODELS.map((m) => [m.id, m]));

@Controller('v1/models')
export class ModelsController {
  @Get()
  list(): { object: 'list'; data: readonly ModelObject[] } {
    return { object: 'list', data: MODELS };
  }

  @Get(':id')
  get(@Param('id') id: string): ModelObject {
    const found = BY_ID.get(id);
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
