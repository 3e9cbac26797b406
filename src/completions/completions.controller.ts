import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ChatCompletionRequestDto } from './dto/chat-completion-request.dto.js';
import { CompletionsService } from './completions.service.js';

@Controller('v1')
export class CompletionsController {
  constructor(private readonly completions: CompletionsService) {}

  @Post('chat/completions')
  @HttpCode(200)
  async create(@Body() body: ChatCompletionRequestDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { completion, requestId } = await this.completions.complete(body, abortOnClose(req, res));
    if (requestId) res.setHeader('x-request-id', requestId);
    res.json(completion);
  }
}

/** Aborts the upstream call when the client goes away before its answer, so no tokens are spent for nobody. */
export function abortOnClose(req: Request, res: Response): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
