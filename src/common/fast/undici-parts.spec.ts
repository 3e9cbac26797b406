import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, errors } from './undici-parts.js';
import { request } from './upstream-pool.js';
import { loadedByNode } from '../../../test/support/fresh-node.js';
import { closedPort } from '../../../test/support/raw-http.js';

const here = dirname(fileURLToPath(import.meta.url));

describe("undici's parts, without its index", () => {
  it('loads the Agent, Pool, Client, request and errors, and nothing of fetch, WebSocket, the cache API or the mocks', async () => {
    // What Node loads for this file's imports (see loadedByNode).
    const source = await readFile(join(here, 'undici-parts.ts'), 'utf8');
    const paths = [...source.matchAll(/^import \w+ from '(undici\/[^']+)';$/gm)].map((match) => match[1]);
    expect(paths).toHaveLength(5);
    const loaded = loadedByNode(paths, here, "globalThis[Symbol.for('undici.globalDispatcher.1')] !== undefined");
    expect(loaded.stderr).toBe('');
    const files = loaded.files.filter((f) => f.includes('/node_modules/undici/')).map((f) => f.slice(f.indexOf('/node_modules/undici/') + 21));
    const dispatcher = loaded.probe;
    expect(files).toEqual(expect.arrayContaining(['lib/dispatcher/agent.js', 'lib/dispatcher/pool.js', 'lib/dispatcher/client.js', 'lib/api/api-request.js', 'lib/core/errors.js']));
    expect(files).not.toContain('index.js');
    expect(files.filter((file) => /^lib\/(web|mock|cache|interceptor)\//.test(file))).toEqual([]);
    // Nor is an Agent of undici's installed as the process-wide dispatcher.
    expect(dispatcher).toBe(false);
  }, 30_000);

  it('gives an Agent that `request` works on, and undici’s error classes', async () => {
    const agent = new Agent();
    try {
      const refused = await request(agent, { origin: `http://127.0.0.1:${await closedPort()}`, path: '/', method: 'GET' }).catch((error: unknown) => error);
      expect((refused as { code?: string }).code).toBe('ECONNREFUSED');
      expect(new errors.InvalidArgumentError('x')).toBeInstanceOf(errors.UndiciError);
    } finally {
      await agent.close();
    }
  });
});
