import { Module } from '@nestjs/common';
import { LoginModule } from '../login/login.module.js';
import { RefreshModule } from '../refresh/refresh.module.js';
import { AnthropicClientFactory } from './anthropic-client.factory.js';
import { CredentialProvider } from './credential-provider.js';

@Module({
  imports: [LoginModule, RefreshModule],
  providers: [AnthropicClientFactory, CredentialProvider],
  exports: [CredentialProvider],
})
export class AuthModule {}
