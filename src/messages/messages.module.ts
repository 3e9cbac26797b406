import { Module } from '@nestjs/common';
import { UpstreamModule } from '../upstream/upstream.module.js';
import { MessagesController } from './messages.controller.js';

@Module({ imports: [UpstreamModule], controllers: [MessagesController] })
export class MessagesModule {}
