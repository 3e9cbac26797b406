import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory.js';
import { AppConfig } from './config/app-config.js';
import { InvalidEnvironmentError } from './config/environment.js';
import { routeConsoleWarnings } from './observability/logging/console-warnings.js';

try {
  const app = await createApp(process.env);
  routeConsoleWarnings();
  const port = app.get(AppConfig).get('PORT');
  // No host: every interface, IPv6 and IPv4 where the host has both.
  await app.listen(port);
  new Logger('Main').log(`claude-code-proxy listening on port ${port}`);
} catch (error) {
  if (!(error instanceof InvalidEnvironmentError)) throw error;
  // A configuration problem is the operator's to fix; a stack trace only hides the message.
  console.error(error.message);
  process.exit(1);
}
