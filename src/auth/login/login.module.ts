import { Module } from '@nestjs/common';
import { CommandRunner } from '../system/command-runner.js';
import { CredentialsFile } from '../system/credentials-file.js';
import { Platform } from '../system/platform.js';
import { ClaudeLogin } from './claude-login.js';
import { KeychainReader } from './keychain-reader.js';

@Module({
  providers: [CommandRunner, CredentialsFile, KeychainReader, ClaudeLogin, { provide: Platform, useValue: new Platform() }],
  exports: [CommandRunner, ClaudeLogin],
})
export class LoginModule {}
