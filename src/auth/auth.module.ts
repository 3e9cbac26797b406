import { Module } from '@nestjs/common';
import { AnthropicClientFactory } from './anthropic-client.factory.js';
import { CredentialProvider } from './credential-provider.js';

@Module({
  providers: [AnthropicClientFactory, CredentialProvider],
  exports: [CredentialProvider],
})
export class AuthModule {}
