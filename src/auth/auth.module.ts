import { Module } from '@nestjs/common';
import { LoginModule } from '../login/login.module.js';
import { RefreshModule } from '../refresh/refresh.module.js';
import { Credential } from './credential.js';
import { LoginCredential } from './login-credential.js';

@Module({
  imports: [LoginModule, RefreshModule],
  // ClientKeyMiddleware is not a provider here: as one, Nest would build it a
  // second time (and log its start-up line twice) besides the middleware.
  providers: [LoginCredential, Credential],
  exports: [Credential],
})
export class AuthModule {}
