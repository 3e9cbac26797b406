import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { GatewayError } from './gateway-error.js';

/**
 * A body sent as a form (`curl -d` without a header) would otherwise be read
 * as empty and fail validation with a misleading "model should not be empty".
 */
@Injectable()
export class RequireJsonMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    if (!req.is('application/json')) {
      throw new GatewayError(
        415,
        "The request body must be JSON: send it with 'Content-Type: application/json'.",
        { code: 'unsupported_media_type' },
      );
    }
    next();
  }
}
