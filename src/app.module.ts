import { Controller, Get, Module } from '@nestjs/common';

@Controller()
class PingController {
  @Get('ping')
  ping() {
    return { ok: true };
  }
}

@Module({ controllers: [PingController] })
export class AppModule {}
