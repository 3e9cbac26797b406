import { plainToInstance } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  MinLength,
  Validate,
  validateSync,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { CronTime } from 'cron';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { splitCommandLine } from '../refresh/command-line.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** A class-validator constraint from a test on a string; a test that throws means invalid. */
function stringConstraint(name: string, test: (value: string) => boolean, message: string) {
  @ValidatorConstraint({ name })
  class StringConstraint implements ValidatorConstraintInterface {
    validate(value: unknown): boolean {
      try {
        return typeof value === 'string' && test(value);
      } catch {
        return false;
      }
    }

    defaultMessage(): string {
      return message;
    }
  }
  return StringConstraint;
}

export function parseKeyList(value: string): string[] {
  return value
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean);
}

const IsCommandLine = stringConstraint(
  'commandLine',
  (value) => Boolean(splitCommandLine(value)[0]),
  'must be a command with balanced quotes, such as `claude --version`',
);
const IsKeyList = stringConstraint(
  'keyList',
  (value) => {
    const keys = parseKeyList(value);
    return keys.length > 0 && keys.every((key) => key.length >= 16);
  },
  'must be a comma-separated list of one or more keys of at least 16 characters each',
);
const IsCron = stringConstraint(
  'cronExpression',
  (value) => new CronTime(value) !== undefined,
  "must be a cron expression with seconds, such as '0 * * * * *' (every minute)",
);

/**
 * Every variable the gateway reads. Defaults live here so that the typed
 * config is complete after validation and nothing else has to guess them.
 */
export class EnvironmentVariables {
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 8080;

  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  ANTHROPIC_BASE_URL: string = 'https://api.anthropic.com';

  @IsOptional()
  @IsString()
  @MinLength(8)
  ANTHROPIC_API_KEY?: string;

  /**
   * Keys clients must send (`Authorization: Bearer …`) to use /v1, comma
   * separated. Unset: no client authentication, for a proxy only its own
   * workloads can reach.
   */
  @IsOptional()
  @Validate(IsKeyList)
  PROXY_API_KEYS?: string;

  @IsOptional()
  @IsString()
  @MinLength(8)
  CLAUDE_ACCESS_TOKEN?: string;

  /** Claude Code's own name for the token `claude setup-token` prints. */
  @IsOptional()
  @IsString()
  @MinLength(8)
  CLAUDE_CODE_OAUTH_TOKEN?: string;

  /** Only to place the Claude Code config dir when CLAUDE_CONFIG_DIR is unset. */
  @IsOptional()
  @IsString()
  HOME?: string;

  /** Defaults to `$HOME/.claude`, as Claude Code itself does. */
  @IsString()
  CLAUDE_CONFIG_DIR: string = join(homedir(), '.claude');

  /** Overrides the per-model-family default output budget for requests that set none. */
  @IsOptional()
  @IsInt()
  @Min(1)
  DEFAULT_MAX_TOKENS?: number;

  /**
   * Always set explicitly: an explicit timeout is also what keeps the SDK from
   * refusing large non-streaming `max_tokens` ("Streaming is required ...").
   */
  @IsInt()
  @Min(1000)
  UPSTREAM_TIMEOUT_MS: number = 600_000;

  /** 0 by default: OpenAI SDKs retry on their own and two retry loops multiply. */
  @IsInt()
  @Min(0)
  @Max(10)
  UPSTREAM_MAX_RETRIES: number = 0;

  /** JSON bodies above this are answered 413; prompts with base64 images are large. */
  @IsString()
  BODY_LIMIT: string = '20mb';

  /** Idle streams get an SSE comment this often, so load balancers keep them open. */
  @IsInt()
  @Min(1)
  STREAM_HEARTBEAT_SECONDS: number = 15;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevelName = 'log';

  /** Split into argv and run without a shell; quotes group words. */
  @IsString()
  @Validate(IsCommandLine)
  REFRESH_COMMAND: string = 'claude --version';

  /** Capped so that the period still fits a Node timer (about 24.8 days). */
  @IsInt()
  @Min(1)
  @Max(596)
  REFRESH_INTERVAL_HOURS: number = 23;

  @IsInt()
  @Min(0)
  REFRESH_AHEAD_MINUTES: number = 10;

  @IsInt()
  @Min(1000)
  REFRESH_TIMEOUT_MS: number = 60_000;

  /**
   * When the login's expiry is compared with REFRESH_AHEAD_MINUTES: a cron
   * expression with seconds, every minute by default.
   */
  @Validate(IsCron)
  REFRESH_CHECK_CRON: string = '0 * * * * *';

  /**
   * A request meeting an expired login does not run the command again within
   * this many seconds of a run that left that same token in place: a dead
   * login under traffic would otherwise keep one CLI process running nonstop.
   */
  @IsInt()
  @Min(0)
  REFRESH_RETRY_SECONDS: number = 30;
}

export class InvalidEnvironmentError extends Error {}

/**
 * Start-up validation: fails with every bad variable named at once, so a
 * misconfigured pod shows the whole problem in its first log line.
 * Values are never echoed: some of these variables are secrets.
 */
export function validateEnvironment(raw: Record<string, unknown>): EnvironmentVariables {
  const known = new Set(Object.keys(new EnvironmentVariables()).concat(OPTIONAL_KEYS));
  // A blank value (an empty Helm value, `FOO=` in a shell) means "not set",
  // except where "not set" would open the door: client keys must fail closed.
  const relevant = Object.fromEntries(
    Object.entries(raw).filter(
      ([key, value]) =>
        known.has(key) && (FAIL_CLOSED.has(key) || !(typeof value === 'string' && value.trim() === '')),
    ),
  );
  const env = plainToInstance(EnvironmentVariables, relevant, { enableImplicitConversion: true });
  const errors = validateSync(env, { skipMissingProperties: false });
  if (errors.length > 0) {
    const problems = errors.map(
      (e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`,
    );
    throw new InvalidEnvironmentError(`Invalid environment:\n  - ${problems.join('\n  - ')}`);
  }
  if (!relevant.CLAUDE_CONFIG_DIR && env.HOME) env.CLAUDE_CONFIG_DIR = join(env.HOME, '.claude');
  return env;
}

/** Set but empty is an error for these, never "off". */
const FAIL_CLOSED = new Set(['PROXY_API_KEYS']);

/** Optional variables have no default, so they are not own keys of a fresh instance. */
const OPTIONAL_KEYS = [
  'ANTHROPIC_API_KEY',
  'PROXY_API_KEYS',
  'CLAUDE_ACCESS_TOKEN',
  'CLAUDE_CODE_OAUTH_TOKEN',
  'DEFAULT_MAX_TOKENS',
  'HOME',
];
