import { Module } from '@nestjs/common';
import { UpstreamModule } from '../upstream/upstream.module.js';
import { ModelsController } from './models.controller.js';
import { ModelsService } from './models.service.js';

@Module({ imports: [UpstreamModule], controllers: [ModelsController], providers: [ModelsService] })
export class ModelsModule {}
