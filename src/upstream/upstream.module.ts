import { Module } from '@nestjs/common';
import { PoolModule } from '../auth/pool/pool.module.js';
import { UpstreamPort } from './upstream.port.js';

@Module({
  imports: [PoolModule],
  providers: [UpstreamPort],
  exports: [UpstreamPort, PoolModule],
})
export class UpstreamModule {}
