import { Module } from '@nestjs/common';
import { StreamingModule } from '../streaming/sse-writers.js';
import { UpstreamModule } from '../upstream/upstream.module.js';
import { MessagesController } from './messages.controller.js';

@Module({ imports: [UpstreamModule, StreamingModule], controllers: [MessagesController] })
export class MessagesModule {}
