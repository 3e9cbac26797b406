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
import { splitCommandLine } from './command-line.js';
import { missingFederationVariables } from './credential-source.js';
import { isProfileName } from './sdk-credential-fields.js';
import { declaredVariables, Variable } from './variable.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
/** Who may read /metrics: anyone who reaches it, or only clients holding a PROXY_API_KEYS key. */
export const METRICS_AUTH_MODES = ['open', 'client-keys'] as const;
export type MetricsAuthMode = (typeof METRICS_AUTH_MODES)[number];
export const WEB_SEARCH_MODES = ['anthropic', 'off'] as const;
export type WebSearchMode = (typeof WEB_SEARCH_MODES)[number];

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
  'must be a command with balanced quotes, such as `claude -p /cost`',
);
const IsKeyList = stringConstraint(
  'keyList',
  (value) => {
    const keys = parseKeyList(value);
    return keys.length > 0 && keys.every((key) => key.length >= 16);
  },
  'must be a comma-separated list of one or more keys of at least 16 characters each',
);
/**
 * A newline or other control character in a key is always a paste mistake,
 * and one that fails late and badly: as an HTTP header value it breaks every
 * request, and the part after the newline lands in error logs.
 */
const HasNoControlCharacters = stringConstraint(
  'noControlCharacters',
  (value) => !/[\u0000-\u001f\u007f]/.test(value),
  'must not contain control characters such as a newline or a tab (was the value copied with one?)',
);
/**
 * Anthropic's credentials say what they are in their prefix: a Console API
 * key `sk-ant-api…`, an OAuth token `sk-ant-oat…` (what `claude setup-token`
 * prints). In the other kind's variable, every request would get a 401; at
 * start-up the right variable can be named instead. Only the prefix is
 * looked at, and the message never echoes the value.
 */
const OAUTH_TOKEN_PREFIX = 'sk-ant-oat';
const API_KEY_PREFIX = 'sk-ant-api';
const IsNotAnOAuthToken = stringConstraint(
  'notAnOAuthToken',
  (value) => !value.trim().startsWith(OAUTH_TOKEN_PREFIX),
  `holds an OAuth token (\`${OAUTH_TOKEN_PREFIX}…\`, what \`claude setup-token\` prints), which the API refuses as an API key: set it as CLAUDE_CODE_OAUTH_TOKEN instead`,
);
const IsNotAnApiKey = stringConstraint(
  'notAnApiKey',
  (value) => !value.trim().startsWith(API_KEY_PREFIX),
  `holds a Console API key (\`${API_KEY_PREFIX}…\`), which the API refuses as an OAuth token: set it as ANTHROPIC_API_KEY instead`,
);
const IsCron = stringConstraint(
  'cronExpression',
  (value) => new CronTime(value) !== undefined,
  "must be a cron expression with seconds, such as '0 * * * * *' (every minute)",
);

const LOGIN_ONLY = 'Login mode only.';

/**
 * Every variable the gateway reads, each declared once: its validation, its
 * default (on the class, so the typed config is complete after validation),
 * its README line and where the Helm chart sets it.
 */
export class EnvironmentVariables {
  @Variable({ doc: 'Listening port, on all interfaces.', helm: { derived: 'containerPort' } })
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 8080;

  @Variable({
    doc: 'Console API key. Wins over every other credential.',
    secret: true,
    defaultText: '—',
    helm: { derived: 'auth.mode=apiKey: the Secret in auth.existingSecret or auth.apiKey' },
  })
  @IsOptional()
  @IsString()
  @MinLength(8)
  @Validate(HasNoControlCharacters)
  @Validate(IsNotAnOAuthToken)
  ANTHROPIC_API_KEY?: string;

  @Variable({
    doc: 'An OAuth token, e.g. the one-year token from `claude setup-token`. `CLAUDE_CODE_OAUTH_TOKEN` is the same, under Claude Code\'s own name.',
    secret: true,
    defaultText: '—',
    helm: { extraEnv: 'the chart sets CLAUDE_CODE_OAUTH_TOKEN instead' },
  })
  @IsOptional()
  @IsString()
  @MinLength(8)
  @Validate(HasNoControlCharacters)
  @Validate(IsNotAnApiKey)
  CLAUDE_ACCESS_TOKEN?: string;

  @Variable({
    doc: 'Claude Code\'s name for the token `claude setup-token` prints; same as `CLAUDE_ACCESS_TOKEN`.',
    secret: true,
    defaultText: '—',
    helm: { derived: 'auth.mode=accessToken: the Secret in auth.existingSecret or auth.accessToken' },
  })
  @IsOptional()
  @IsString()
  @MinLength(8)
  @Validate(HasNoControlCharacters)
  @Validate(IsNotAnApiKey)
  CLAUDE_CODE_OAUTH_TOKEN?: string;

  @Variable({
    doc: 'Workload identity federation: the federation rule (`fdrl_…`) an identity token is exchanged under, through the SDK\'s own jwt-bearer exchange. With `ANTHROPIC_ORGANIZATION_ID` and `ANTHROPIC_IDENTITY_TOKEN_FILE`, the gateway needs no Anthropic secret.',
    defaultText: '—',
    helm: { derived: 'auth.mode=workloadIdentity: auth.workloadIdentity.federationRuleId' },
  })
  @IsOptional()
  @IsString()
  @Validate(HasNoControlCharacters)
  ANTHROPIC_FEDERATION_RULE_ID?: string;

  @Variable({
    doc: 'Workload identity federation: the organization the federation rule belongs to.',
    defaultText: '—',
    helm: { derived: 'auth.mode=workloadIdentity: auth.workloadIdentity.organizationId' },
  })
  @IsOptional()
  @IsString()
  @Validate(HasNoControlCharacters)
  ANTHROPIC_ORGANIZATION_ID?: string;

  @Variable({
    doc: 'Workload identity federation: the file holding the identity token (a JWT, e.g. a projected Kubernetes service-account token), read again at every exchange so a rotated token is used.',
    defaultText: '—',
    helm: { derived: 'auth.mode=workloadIdentity: the projected token volume' },
  })
  @IsOptional()
  @IsString()
  ANTHROPIC_IDENTITY_TOKEN_FILE?: string;

  @Variable({
    doc: 'Workload identity federation: the workspace (`wrkspc_…` or `default`) the token is for; needed when the rule covers several workspaces.',
    defaultText: '— (the rule\'s)',
    helm: { value: 'auth.workloadIdentity.workspaceId' },
  })
  @IsOptional()
  @IsString()
  @Validate(HasNoControlCharacters)
  ANTHROPIC_WORKSPACE_ID?: string;

  @Variable({
    doc: 'Workload identity federation: the service account (`svac_…`) the token is expected to act as, checked by the token endpoint.',
    defaultText: '—',
    helm: { value: 'auth.workloadIdentity.serviceAccountId' },
  })
  @IsOptional()
  @IsString()
  @Validate(HasNoControlCharacters)
  ANTHROPIC_SERVICE_ACCOUNT_ID?: string;

  @Variable({
    doc: 'An `@anthropic-ai/sdk` profile (`<ANTHROPIC_CONFIG_DIR>/configs/<name>.json`, federation or user OAuth) whose tokens the SDK obtains and renews. The federation variables fill what the profile leaves out.',
    defaultText: '—',
    helm: { extraEnv: 'a profile lives in a config directory the chart does not mount; use auth.mode=workloadIdentity' },
  })
  @IsOptional()
  @IsString()
  @Validate(stringConstraint('profileName', isProfileName, 'must be a profile name: letters, digits, "_", "." and "-"'))
  ANTHROPIC_PROFILE?: string;

  @Variable({
    doc: 'Where the SDK keeps its profiles (`configs/`) and their token cache (`credentials/`). Read by the SDK itself.',
    defaultText: '`$XDG_CONFIG_HOME/anthropic` or `~/.config/anthropic`',
    helm: { extraEnv: 'profiles only' },
  })
  @IsOptional()
  @IsString()
  ANTHROPIC_CONFIG_DIR?: string;

  @Variable({
    doc: 'A JSON or YAML file listing several credentials, in order of preference, with failover between them: `{"credentials":[{"name":"team-key","apiKeyEnv":"TEAM_KEY"},{"name":"max-plan","accessToken":"…"},{"name":"laptop","credentialsFile":"/home/me/.claude/.credentials.json"}]}`. Replaces the single-credential variables above (setting both is a start-up error); an entry may also be `{"name":"wif","federation":{"ruleId":…,"organizationId":…,"identityTokenFile":…}}` or `{"name":"prod","profile":"…"}`. See docs/credentials.md.',
    defaultText: '—',
    helm: { derived: 'credentialPool.existingSecret: the file mounted from the Secret' },
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  CREDENTIALS_FILE?: string;

  @Variable({
    doc: '`avoid`: a Claude subscription whose plan window (5-hour, weekly) is spent is not used until the window resets, even where extra usage would pay; the request goes to the next credential, or gets a 429 saying when the window resets. `allow`: extra usage may be spent.',
    helm: { value: 'credentialPool.subscriptionOverage' },
  })
  @IsIn(['avoid', 'allow'])
  SUBSCRIPTION_OVERAGE: 'avoid' | 'allow' = 'avoid';

  @Variable({
    doc: '`true` adds `x-gateway-credential` (the name of the credential that served, never its secret) to every answer.',
    helm: { value: 'credentialPool.credentialHeader' },
  })
  @IsIn(['true', 'false'])
  GATEWAY_CREDENTIAL_HEADER: 'true' | 'false' = 'false';

  @Variable({
    doc: 'Only to place the Claude Code config dir when `CLAUDE_CONFIG_DIR` is unset.',
    defaultText: 'the user\'s home',
    helm: { derived: 'homeDir' },
  })
  @IsOptional()
  @IsString()
  HOME?: string;

  @Variable({
    doc: 'Where Claude Code keeps `.credentials.json` (login mode).',
    defaultText: '`$HOME/.claude`',
    helm: { derived: 'persistence.mountPath (credentialsFile mode)' },
  })
  @IsString()
  CLAUDE_CONFIG_DIR: string = join(homedir(), '.claude');

  @Variable({
    doc: 'Comma-separated keys (16+ characters each) that clients must send as `Authorization: Bearer …` (their OpenAI `apiKey`) to use `/v1`. Unset: no client authentication. Set but empty: start-up fails. Health endpoints stay open either way.',
    secret: true,
    defaultText: '—',
    helm: { extraEnv: 'a secret: set it with valueFrom.secretKeyRef in extraEnv' },
  })
  @IsOptional()
  @Validate(IsKeyList)
  @Validate(HasNoControlCharacters)
  PROXY_API_KEYS?: string;

  @Variable({ doc: 'Upstream base URL.', helm: { value: 'config.anthropicBaseUrl' } })
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  ANTHROPIC_BASE_URL: string = 'https://api.anthropic.com';

  @Variable({
    doc: '`max_tokens` for requests that send none. Without it, the model generation\'s documented maximum output is used: 128k for 4.6 and newer, 64k for the 4.5 models.',
    defaultText: 'per model',
    helm: { value: 'config.defaultMaxTokens' },
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  DEFAULT_MAX_TOKENS?: number;

  @Variable({
    doc: 'The longest upstream may stay silent: before it answers, and between two events of an answer (Anthropic sends `ping`s during long generations). Then 504. An answer as a whole has no time limit.',
    helm: { value: 'config.upstreamTimeoutMs' },
  })
  @IsInt()
  @Min(1000)
  UPSTREAM_TIMEOUT_MS: number = 600_000;

  @Variable({
    doc: 'Retries the gateway makes itself. The default is 0 because OpenAI SDKs already retry 429/5xx with backoff, and two retry loops multiply.',
    helm: { value: 'config.upstreamMaxRetries' },
  })
  @IsInt()
  @Min(0)
  @Max(10)
  UPSTREAM_MAX_RETRIES: number = 0;

  @Variable({
    doc: 'Automatic prompt caching. `auto`: every request asks for the Messages API\'s automatic caching (top-level `cache_control`), so each turn of a conversation reads the turns before it from the cache at a tenth of the input price. `off`: only the breakpoints clients place (`cache_control`, `prompt_cache_breakpoint`). A request with `prompt_cache_options: {"mode": "explicit"}` turns it off for itself.',
    helm: { value: 'config.promptCache' },
  })
  @IsIn(['auto', 'off'])
  PROMPT_CACHE: 'auto' | 'off' = 'auto';

  @Variable({
    doc: 'Lifetime of the cache entries requests write: `5m` (a write costs 1.25× input) or `1h` (2×).',
    helm: { value: 'config.promptCacheTtl' },
  })
  @IsIn(['5m', '1h'])
  PROMPT_CACHE_TTL: '5m' | '1h' = '5m';

  @Variable({
    doc: 'Tool calls whose signed thinking blocks the gateway keeps (in memory, or in Redis with `REDIS_URL`; also bounded to 64 MiB and one hour), so tool loops with thinking work with clients that drop unknown message fields. `0` turns it off.',
    helm: { value: 'config.thinkingCacheEntries' },
  })
  @IsInt()
  @Min(0)
  THINKING_CACHE_ENTRIES: number = 10_000;

  @Variable({
    doc: 'Largest JSON body accepted (base64 images are large); above it, 413.',
    helm: { extraEnv: 'rarely changed' },
  })
  @IsString()
  BODY_LIMIT: string = '20mb';

  @Variable({
    doc: 'The deepest nesting of arrays and objects a JSON body may have; deeper is a 400. Checked on the raw bytes before parsing.',
    helm: { value: 'config.jsonMaxDepth' },
  })
  @IsInt()
  @Min(8)
  @Max(10_000)
  JSON_MAX_DEPTH: number = 64;

  @Variable({
    doc: 'Array elements and object members in one JSON body, counted together; more is a 400. Bounds the work validation does (at the default, at most about 0.3 s of CPU for the worst body).',
    helm: { value: 'config.jsonMaxItems' },
  })
  // Not higher: class-transformer dedups an object's keys in quadratic time,
  // so one 100,000-member object (a tool's `parameters`) costs 3.7 s of CPU; 20,000 cost 0.25 s.
  @IsInt()
  @Min(100)
  JSON_MAX_ITEMS: number = 20_000;

  @Variable({
    doc: 'The largest answer held in memory, in bytes of text, thinking and tool arguments: a non-streaming answer, and a streamed `/v1/responses` answer (its closing events carry it whole). Past it, upstream is stopped; a non-streaming client gets a 502 `answer_too_large`, a Responses stream ends with `response.failed` (`answer_too_large`). Chat completion streams hold nothing and have no such limit. What is held can reach about 3× this for thinking-heavy answers, whose signed blocks are also kept for replay.',
    defaultText: '`10485760` (10 MiB)',
    helm: { value: 'config.maxAssembledBytes' },
  })
  @IsInt()
  @Min(1024)
  MAX_ASSEMBLED_BYTES: number = 10 * 1024 * 1024;

  @Variable({
    doc: 'How long a client may leave its answer unread, streamed or not (JSON answers too, despite the name). Then its connection is dropped (logged, and counted as a disconnected client) and a stream\'s upstream call stopped. A JSON answer is dropped after between one and two times this without progress.',
    helm: { value: 'config.streamWriteTimeoutMs' },
  })
  @IsInt()
  @Min(100)
  STREAM_WRITE_TIMEOUT_MS: number = 30_000;

  @Variable({
    doc: 'The longest a client may take to send a request\'s headers. Then 408, in the door\'s error shape, and the connection is closed.',
    helm: { value: 'config.requestHeadersTimeoutMs' },
  })
  @IsInt()
  @Min(1000)
  REQUEST_HEADERS_TIMEOUT_MS: number = 20_000;

  @Variable({
    doc: 'The longest a client may take to send a whole request, headers and body (a body trickled in a byte at a time is cut off here). Then 408 and the connection is closed. Raise it for clients that upload large bodies over slow links; at least `REQUEST_HEADERS_TIMEOUT_MS`.',
    helm: { value: 'config.requestTimeoutMs' },
  })
  @IsInt()
  @Min(1000)
  REQUEST_TIMEOUT_MS: number = 60_000;

  @Variable({
    doc: 'On SIGTERM, how long to keep serving new requests (each with `Connection: close`) while readiness already answers 503, so load balancers take the pod out before its port closes. Requests in flight then finish.',
    helm: { value: 'config.shutdownDelayMs' },
  })
  @IsInt()
  @Min(0)
  @Max(600_000)
  SHUTDOWN_DELAY_MS: number = 0;

  @Variable({
    doc: 'An idle stream gets an SSE comment this often, so load balancers keep it open.',
    helm: { extraEnv: 'rarely changed' },
  })
  @IsInt()
  @Min(1)
  STREAM_HEARTBEAT_SECONDS: number = 15;

  @Variable({ doc: '`fatal`, `error`, `warn`, `log`, `debug` or `verbose`.', helm: { value: 'config.logLevel' } })
  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevelName = 'log';

  @Variable({
    doc: '`json` (one JSON object per line) or `pretty` (readable, for a terminal).',
    defaultText: '`json` when `NODE_ENV=production`, else `pretty`',
    helm: { value: 'config.logFormat' },
  })
  @IsOptional()
  @IsIn(LOG_FORMATS)
  LOG_FORMAT?: LogFormat;

  @Variable({
    doc: 'Only read to choose the default `LOG_FORMAT`. The Docker image sets `production`.',
    defaultText: '—',
    helm: { extraEnv: 'the image sets it' },
  })
  @IsOptional()
  @IsString()
  NODE_ENV?: string;

  @Variable({
    doc: '`false` turns the Prometheus metrics off: nothing is recorded and `/metrics` is a 404.',
    helm: { value: 'metrics.enabled' },
  })
  @IsIn(['true', 'false'])
  METRICS_ENABLED: 'true' | 'false' = 'true';

  @Variable({
    doc: 'A second, metrics-only listener. When set, `GET /metrics` is served there and no longer on `PORT`, so it can stay off the public Service. `0` picks a free port.',
    defaultText: '— (on `PORT`)',
    helm: { value: 'metrics.port' },
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  METRICS_PORT?: number;

  @Variable({
    doc: '`open`: anyone who reaches `/metrics` may read it (metrics hold no secret). `client-keys`: it wants one of the `PROXY_API_KEYS` as `Authorization: Bearer …`, as `/v1` does.',
    helm: { value: 'metrics.auth' },
  })
  @IsIn(METRICS_AUTH_MODES)
  METRICS_AUTH: MetricsAuthMode = 'open';

  @Variable({
    doc: 'OTLP/HTTP endpoint of an OpenTelemetry collector, e.g. `http://otel-collector:4318`; spans go to `<endpoint>/v1/traces`. Unset: no tracing, and the OpenTelemetry SDK is never loaded.',
    defaultText: '— (off)',
    helm: { value: 'tracing.otlpEndpoint' },
  })
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  @Variable({ doc: '`service.name` of the exported spans.', helm: { value: 'tracing.serviceName' } })
  @IsString()
  @MinLength(1)
  OTEL_SERVICE_NAME: string = 'claude-code-proxy';

  @Variable({
    doc: `${LOGIN_ONLY} The command that lets the Claude Code CLI renew the login (it renews within 5 minutes of expiry and saves; \`/cost\` makes no model request). It is run without a shell.`,
    helm: { value: 'refresh.command' },
  })
  @IsString()
  @Validate(IsCommandLine)
  // The real CLI renews and saves on this; `claude --version` returns before any auth code runs.
  REFRESH_COMMAND: string = 'claude -p /cost';

  @Variable({
    doc: `${LOGIN_ONLY} Run the refresh command when the token expires within this window (keep it inside the CLI's 5 minutes).`,
    helm: { value: 'refresh.aheadMinutes' },
  })
  @IsInt()
  @Min(0)
  // A little inside the CLI's own 5-minute window: earlier, the CLI does nothing.
  REFRESH_AHEAD_MINUTES: number = 4;

  @Variable({
    doc: `${LOGIN_ONLY} When the expiry is checked (cron with seconds; every minute).`,
    helm: { extraEnv: 'rarely changed' },
  })
  @Validate(IsCron)
  REFRESH_CHECK_CRON: string = '0 * * * * *';

  @Variable({
    doc: `${LOGIN_ONLY} The refresh command's time limit (its whole process group is killed).`,
    helm: { extraEnv: 'rarely changed' },
  })
  @IsInt()
  @Min(1000)
  REFRESH_TIMEOUT_MS: number = 60_000;

  @Variable({
    doc: `${LOGIN_ONLY} A request meeting a dead login does not rerun the command sooner than this after a run that could not renew it.`,
    helm: { extraEnv: 'rarely changed' },
  })
  // A dead login under traffic would otherwise keep one CLI process running nonstop.
  @IsInt()
  @Min(0)
  REFRESH_RETRY_SECONDS: number = 30;

  // The store behind `previous_response_id` and GET/DELETE /v1/responses/{id}:
  // per replica, or shared by all of them in Redis (REDIS_URL).
  @Variable({
    doc: '`/v1/responses` store (per replica, or in all of Redis with `REDIS_URL`): at most this many stored responses; the least recently used goes first. `0` stores nothing.',
    helm: { value: 'responses.store.maxEntries' },
  })
  @IsInt()
  @Min(0)
  RESPONSES_STORE_MAX_ENTRIES: number = 1000;

  @Variable({
    doc: '`/v1/responses` store: at most this many megabytes of stored responses.',
    helm: { value: 'responses.store.maxMb' },
  })
  @IsInt()
  @Min(1)
  RESPONSES_STORE_MAX_MB: number = 64;

  @Variable({
    doc: '`/v1/responses` store: a stored response is forgotten this long after its last use; then `previous_response_id` gets a 404.',
    helm: { value: 'responses.store.ttlSeconds' },
  })
  @IsInt()
  @Min(1)
  RESPONSES_STORE_TTL_SECONDS: number = 3600;

  @Variable({
    doc: 'What a Responses `web_search` tool becomes: `anthropic` offers Claude Anthropic\'s server-side web search (billed per search; an organisation admin can turn it off), `off` leaves it out like other built-in tools.',
    helm: { value: 'responses.webSearch' },
  })
  @IsIn(WEB_SEARCH_MODES)
  RESPONSES_WEB_SEARCH: WebSearchMode = 'anthropic';

  @Variable({
    doc: 'Redis for state shared by every replica: stored `/v1/responses`, the thinking cache, the rests and limits of the pool\'s credentials (a credential resting on one replica gets no call from the others), and the lock that lets one replica at a time renew the Claude Code login. `redis://` or `rediss://` (TLS), with `user:password@` when Redis wants them. Unset: that state stays in each process (one replica). One primary; Redis Cluster is not supported.',
    secret: true,
    defaultText: '— (in process)',
    helm: { derived: 'redis.url or redis.existingSecret' },
  })
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['redis', 'rediss'] })
  REDIS_URL?: string;

  @Variable({
    doc: 'Prefix of every key the gateway writes to Redis, so gateways (or environments) can share one Redis.',
    helm: { value: 'redis.keyPrefix' },
  })
  @IsString()
  @MinLength(1)
  REDIS_KEY_PREFIX: string = 'ccp:';

  @Variable({
    doc: 'Key of the HMAC that turns a client key into the tenant id stored data is kept under (the client key itself is never stored). Needed with `REDIS_URL` and `PROXY_API_KEYS`, the same on every replica; changing it orphans what is stored. Unset without Redis: a random key per process.',
    secret: true,
    defaultText: '— (random per process)',
    helm: { derived: 'redis.tenantSecret or redis.existingSecret' },
  })
  @IsOptional()
  @IsString()
  @MinLength(16)
  STORE_TENANT_SECRET?: string;
}

export class InvalidEnvironmentError extends Error {}

/** Every variable's name, from the declarations (optional ones have no own key on an instance). */
export const VARIABLE_NAMES: ReadonlySet<string> = new Set(declaredVariables(EnvironmentVariables).map(([name]) => name));

/** Names of the variables that hold credentials. */
export const SECRET_VARIABLES: readonly string[] = declaredVariables(EnvironmentVariables)
  .filter(([, doc]) => doc.secret)
  .map(([name]) => name);

/** Set but empty is an error for these, never "off". */
const FAIL_CLOSED = new Set(['PROXY_API_KEYS']);

/**
 * Start-up validation: fails with every bad variable named at once, so a
 * misconfigured pod shows the whole problem in its first log line.
 * Values are never echoed: some of these variables are secrets.
 */
export function validateEnvironment(raw: Record<string, unknown>): EnvironmentVariables {
  // A blank value (an empty Helm value, `FOO=` in a shell) means "not set",
  // except where "not set" would open the door: client keys must fail closed.
  const relevant = Object.fromEntries(
    Object.entries(raw).filter(
      ([key, value]) =>
        VARIABLE_NAMES.has(key) && (FAIL_CLOSED.has(key) || !(typeof value === 'string' && value.trim() === '')),
    ),
  );
  const env = plainToInstance(EnvironmentVariables, relevant, { enableImplicitConversion: true });
  const errors = validateSync(env, { skipMissingProperties: false });
  const problems = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
  if (env.REQUEST_HEADERS_TIMEOUT_MS > env.REQUEST_TIMEOUT_MS) {
    problems.push('REQUEST_TIMEOUT_MS: must be at least REQUEST_HEADERS_TIMEOUT_MS (the headers are part of the request)');
  }
  if (env.METRICS_AUTH === 'client-keys' && !env.PROXY_API_KEYS) {
    problems.push('METRICS_AUTH: client-keys needs PROXY_API_KEYS (the keys /metrics would ask for)');
  }
  if (env.REDIS_URL && env.PROXY_API_KEYS && !env.STORE_TENANT_SECRET) {
    problems.push('STORE_TENANT_SECRET: REDIS_URL with PROXY_API_KEYS needs it (16+ characters, the same on every replica), to key the hash stored data is kept under');
  }
  for (const name of missingFederationVariables(env)) {
    problems.push(`${name}: workload identity (ANTHROPIC_FEDERATION_RULE_ID is set) needs it too`);
  }
  if (problems.length > 0) {
    throw new InvalidEnvironmentError(`Invalid environment:\n  - ${problems.join('\n  - ')}`);
  }
  if (!relevant.CLAUDE_CONFIG_DIR && env.HOME) env.CLAUDE_CONFIG_DIR = join(env.HOME, '.claude');
  return env;
}
