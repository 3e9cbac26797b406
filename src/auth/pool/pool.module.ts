import { Module } from '@nestjs/common';
import { AuthModule } from '../auth.module.js';
import { CredentialPool } from './credential-pool.js';
import { InMemoryPoolState, POOL_STATE_STORE } from './pool-state.js';

@Module({
  imports: [AuthModule],
  providers: [CredentialPool, { provide: POOL_STATE_STORE, useClass: InMemoryPoolState }],
  exports: [CredentialPool, AuthModule],
})
export class PoolModule {}
