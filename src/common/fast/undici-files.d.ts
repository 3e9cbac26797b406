/** Types for the undici files undici-parts.ts loads: each is the index's export of the same name. */
declare module 'undici/lib/dispatcher/agent.js' {
  import type { Agent } from 'undici';
  const agent: typeof Agent;
  export default agent;
}

declare module 'undici/lib/dispatcher/pool.js' {
  import type { Pool } from 'undici';
  const pool: typeof Pool;
  export default pool;
}

declare module 'undici/lib/dispatcher/client.js' {
  import type { Client } from 'undici';
  const client: typeof Client;
  export default client;
}

declare module 'undici/lib/core/errors.js' {
  import type { errors } from 'undici';
  const all: typeof errors;
  export default all;
}

declare module 'undici/lib/api/api-request.js' {
  import type { Dispatcher } from 'undici';

  /**
   * The handler `request` dispatches (not in the index's types): the legacy
   * handler interface, whose `onConnect` comes when the request is written
   * to a connection and `onError` when it fails or is aborted.
   */
  interface RequestHandlerClass {
    new (options: Dispatcher.RequestOptions, callback: (error: Error | null, data: Dispatcher.ResponseData) => void): Dispatcher.DispatchHandler & {
      onConnect(abort: (error?: Error) => void, context?: object): void;
      onError(error: Error): void;
    };
  }

  /** `Dispatcher.prototype.request` once undici's index has mixed its API into Dispatcher. */
  const request: ((this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>) & {
    RequestHandler: RequestHandlerClass;
  };
  export default request;
}
