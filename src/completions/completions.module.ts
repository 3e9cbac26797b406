import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CompletionsController } from './completions.controller.js';
import { CompletionsService } from './completions.service.js';
import { TranslationService } from './translation.service.js';

@Module({
  imports: [AuthModule],
  controllers: [CompletionsController],
  providers: [CompletionsService, TranslationService],
})
export class CompletionsModule {}
