import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { UpstreamPort } from './upstream.port.js';

@Module({
  imports: [AuthModule],
  providers: [UpstreamPort],
  exports: [UpstreamPort],
})
export class UpstreamModule {}
