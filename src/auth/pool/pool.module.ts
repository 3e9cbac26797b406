import { Module } from '@nestjs/common';
import { AuthModule } from '../auth.module.js';
import { CredentialPool } from './credential-pool.js';
import { PoolState } from './pool-state.js';

@Module({
  imports: [AuthModule],
  providers: [CredentialPool, PoolState],
  exports: [CredentialPool, AuthModule],
})
export class PoolModule {}
