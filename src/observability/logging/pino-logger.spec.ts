import 'reflect-metadata';
import { Writable } from 'node:stream';
import { testConfig } from '../../config/testing.js';
import { createPino, logFormatFor, PinoLogger } from './pino-logger.js';

const configOf = testConfig;

/** A pino logger writing JSON lines into an array. */
async function capture(env: Record<string, string> = {}) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = new PinoLogger(await createPino(configOf(env), sink));
  return { logger, lines };
}

const KEY = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789';

describe('PinoLogger', () => {
  it("writes Nest's (message, context) calls as JSON lines with the level and the context", async () => {
    const { logger, lines } = await capture();
    logger.log('listening on port 8080', 'Main');
    logger.warn('careful', 'Refresh');
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, msg: 'listening on port 8080', context: 'Main' }),
      expect.objectContaining({ level: 40, msg: 'careful', context: 'Refresh' }),
    ]);
  });

  it('turns an object message into the fields of one line (the request record)', async () => {
    const { logger, lines } = await capture();
    logger.log({ msg: 'request completed', status: 200, route: '/v1/chat/completions' }, 'Http');
    expect(lines[0]).toMatchObject({ msg: 'request completed', status: 200, route: '/v1/chat/completions', context: 'Http' });
  });

  it("writes the request observer's line exactly as log() writes the same fields, and not below LOG_LEVEL", async () => {
    const raw: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        raw.push(chunk.toString('utf8').replace(/"time":\d+/, '"time":0'));
        done();
      },
    });
    const logger = new PinoLogger(await createPino(configOf({ LOG_LEVEL: 'log' }), sink));
    logger.log({ msg: 'request completed', status: 200, model: undefined, route: '/v1/chat/completions' }, 'Http');
    logger.line('log', 'Http', { status: 200, model: undefined, route: '/v1/chat/completions', msg: 'request completed' });
    logger.line('debug', 'Http', { status: 200, msg: 'request completed' });
    expect(raw).toHaveLength(2);
    expect(raw[1]).toBe(raw[0]);
    expect(logger.isLevelEnabled('log')).toBe(true);
    expect(logger.isLevelEnabled('debug')).toBe(false);
  });

  it('redacts a key in a message, in an error stack and in header fields', async () => {
    const { logger, lines } = await capture();
    logger.error(`upstream said: invalid key ${KEY}`, `Error: ${KEY}\n    at x`, 'Errors');
    logger.log({ msg: 'headers', headers: { authorization: `Bearer ${KEY}`, 'x-api-key': KEY, accept: '*/*' } });
    const text = JSON.stringify(lines);
    expect(text).not.toContain(KEY);
    expect(lines[0].msg).toContain('sk-ant-***');
    expect(lines[1]).toMatchObject({ headers: { authorization: '[redacted]', 'x-api-key': '[redacted]', accept: '*/*' } });
  });

  it('maps LOG_LEVEL onto pino: `log` hides debug, `verbose` shows everything', async () => {
    const quiet = await capture({ LOG_LEVEL: 'log' });
    quiet.logger.debug('hidden');
    quiet.logger.verbose('hidden too');
    expect(quiet.lines).toEqual([]);
    const loud = await capture({ LOG_LEVEL: 'verbose' });
    loud.logger.verbose('shown');
    expect(loud.lines[0]).toMatchObject({ level: 10, msg: 'shown' });
  });
});

describe('logFormatFor', () => {
  it.each([
    [{}, 'pretty'],
    [{ NODE_ENV: 'production' }, 'json'],
    [{ NODE_ENV: 'production', LOG_FORMAT: 'pretty' }, 'pretty'],
    [{ LOG_FORMAT: 'json' }, 'json'],
  ])('%j → %s', (env, format) => {
    expect(logFormatFor(configOf(env as Record<string, string>))).toBe(format);
  });
});
