import { Module } from '@nestjs/common';
import { LoginModule } from './login/login.module.js';
import { RefreshModule } from '../refresh/refresh.module.js';
import { ClientKeyMiddleware } from './client-key.middleware.js';
import { Credential } from './credential.js';
import { CredentialRefusal } from './credential-refusal.js';
import { LoginCredential } from './login-credential.js';

@Module({
  imports: [LoginModule, RefreshModule],
  providers: [LoginCredential, Credential, CredentialRefusal, ClientKeyMiddleware],
  exports: [Credential, CredentialRefusal, ClientKeyMiddleware],
})
export class AuthModule {}
