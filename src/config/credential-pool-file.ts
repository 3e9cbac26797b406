import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname } from 'node:path';
import { oauthTokenFrom } from './credential-source.js';
import { type EnvironmentVariables, InvalidEnvironmentError } from './environment.js';
import { fieldsFromEnvironment, InvalidSdkCredentialFields, parseSdkCredentialFields, type SdkCredentialFields } from './sdk-credential-fields.js';

/** One credential of the pool, as configured (the secret resolved, never shown). */
export type CredentialEntry =
  | { name: string; kind: 'api-key' | 'oauth-token'; secret: string }
  | { name: string; kind: 'claude-login'; configDir: string }
  /** Workload identity federation or an SDK profile: tokens the SDK's own chain obtains (src/auth/sdk-credential). */
  | { name: string; kind: 'sdk'; fields: SdkCredentialFields };

export interface CredentialEntries {
  /** In order of preference. */
  list: readonly CredentialEntry[];
  /** From CREDENTIALS_FILE (true), or the single-credential variables as a pool of one named `default`. */
  fromFile: boolean;
}

/** The fields an entry may have; exactly one of the secret-bearing ones. */
const SOURCES = ['apiKey', 'apiKeyEnv', 'accessToken', 'accessTokenEnv', 'credentialsFile', 'federation', 'profile'] as const;
const FIELDS = new Set<string>(['name', ...SOURCES]);
const NAME = /^[a-z0-9-]{1,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LOGIN_FILE = '.credentials.json';

/** The single-credential variables that CREDENTIALS_FILE replaces. */
const SINGLE = ['ANTHROPIC_API_KEY', 'CLAUDE_ACCESS_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN', 'ANTHROPIC_PROFILE', 'ANTHROPIC_FEDERATION_RULE_ID'] as const;

/**
 * The credentials the gateway uses, decided once at start-up: CREDENTIALS_FILE
 * when set, else the single-credential variables as a pool of one. Every
 * problem is named by credential and field, never by value, all at once.
 */
export function credentialEntries(env: EnvironmentVariables, raw: Record<string, string | undefined>): CredentialEntries {
  const path = env.CREDENTIALS_FILE;
  if (!path) return { list: [singleEntry(env)], fromFile: false };
  const problems: string[] = [];
  const set = SINGLE.filter((name) => env[name]);
  if (set.length > 0) {
    problems.push(`CREDENTIALS_FILE: ${set.join(' and ')} ${set.length > 1 ? 'are' : 'is'} set too; CREDENTIALS_FILE would win over ${set.length > 1 ? 'them' : 'it'}, so unset one or the other`);
  }
  const list = parseCredentialsFile(readText(path, problems), path, raw, problems);
  if (problems.length > 0) throw new InvalidEnvironmentError(`Invalid environment:\n  - ${problems.join('\n  - ')}`);
  return { list, fromFile: true };
}

function singleEntry(env: EnvironmentVariables): CredentialEntry {
  const name = 'default';
  if (env.ANTHROPIC_API_KEY) return { name, kind: 'api-key', secret: env.ANTHROPIC_API_KEY };
  const token = oauthTokenFrom(env);
  if (token) return { name, kind: 'oauth-token', secret: token };
  // SDK profile > workload identity (the federation variables), as the SDK orders them.
  const fields = fieldsFromEnvironment(env);
  if (fields) return { name, kind: 'sdk', fields };
  return { name, kind: 'claude-login', configDir: env.CLAUDE_CONFIG_DIR };
}

function readText(path: string, problems: string[]): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    problems.push(`CREDENTIALS_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return null;
  }
}

/**
 * The file's entries. Parse errors say where (a line) but never quote the
 * text: the file holds secrets.
 */
export function parseCredentialsFile(
  text: string | null,
  path: string,
  env: Record<string, string | undefined>,
  problems: string[],
): CredentialEntry[] {
  if (text === null) return [];
  let document: unknown;
  try {
    document = extname(path) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const line = (error as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
    problems.push(`CREDENTIALS_FILE: ${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML or JSON'}${line ? ` (line ${line})` : ''}`);
    return [];
  }
  const credentials = (document as { credentials?: unknown } | null)?.credentials;
  if (!Array.isArray(credentials) || credentials.length === 0) {
    problems.push('CREDENTIALS_FILE: must hold {"credentials": [...]} with at least one credential');
    return [];
  }
  const seen = new Set<string>();
  const entries: CredentialEntry[] = [];
  credentials.forEach((item: unknown, index) => {
    const entry = parseEntry(item, index, env, seen, problems);
    if (entry) entries.push(entry);
  });
  const logins = entries.filter((entry) => entry.kind === 'claude-login');
  if (logins.length > 1) {
    problems.push(`CREDENTIALS_FILE: ${logins.map((l) => l.name).join(', ')}: at most one credentialsFile entry is supported (one REFRESH_COMMAND schedule)`);
  }
  return entries;
}

function parseEntry(
  item: unknown,
  index: number,
  env: Record<string, string | undefined>,
  seen: Set<string>,
  problems: string[],
): CredentialEntry | null {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    problems.push(`credentials[${index}]: must be an object`);
    return null;
  }
  const fields = item as Record<string, unknown>;
  const name = typeof fields.name === 'string' && NAME.test(fields.name) ? fields.name : null;
  const at = name ? `credentials[${index}] (${name})` : `credentials[${index}]`;
  const before = problems.length;
  if (!name) problems.push(`${at}.name: must be 1-63 characters of a-z, 0-9 and -`);
  else if (seen.has(name)) problems.push(`${at}.name: used by an earlier credential; names must be unique`);
  else seen.add(name);
  for (const field of Object.keys(fields)) {
    if (!FIELDS.has(field)) problems.push(`${at}.${field}: unknown field (one of ${SOURCES.join(', ')} is expected beside name)`);
  }
  const given = SOURCES.filter((field) => fields[field] !== undefined);
  if (given.length !== 1) {
    problems.push(`${at}: needs exactly one of ${SOURCES.join(', ')}${given.length ? ` (has ${given.join(', ')})` : ''}`);
    return null;
  }
  const field = given[0];
  if (field === 'federation' || field === 'profile') return sdkEntry(fields, name, at, problems, before);
  const value = fields[field];
  if (typeof value !== 'string') {
    problems.push(`${at}.${field}: must be a string`);
    return null;
  }
  let entry: CredentialEntry | null = null;
  if (field === 'credentialsFile') {
    if (basename(value) !== LOGIN_FILE) problems.push(`${at}.credentialsFile: must be a Claude Code login, a path ending in /${LOGIN_FILE}`);
    else entry = { name: name ?? '', kind: 'claude-login', configDir: dirname(value) };
  } else {
    const kind = field.startsWith('apiKey') ? 'api-key' : 'oauth-token';
    const secret = field.endsWith('Env') ? fromEnv(value, at, field, env, problems) : value;
    if (secret !== null && secretProblem(secret, kind, at, field, problems)) entry = { name: name ?? '', kind, secret };
  }
  return problems.length === before ? entry : null;
}

/** `{"name", "federation": {...}}` or `{"name", "profile"}`, checked by the SDK credential's own parser (problems name fields, never values). */
function sdkEntry(fields: Record<string, unknown>, name: string | null, at: string, problems: string[], before: number): CredentialEntry | null {
  try {
    const parsed = parseSdkCredentialFields(fields);
    return problems.length === before ? { name: name ?? '', kind: 'sdk', fields: parsed } : null;
  } catch (error) {
    if (!(error instanceof InvalidSdkCredentialFields)) throw error;
    for (const problem of error.message.split('; ')) problems.push(`${at}: ${problem}`);
    return null;
  }
}

function fromEnv(variable: string, at: string, field: string, env: Record<string, string | undefined>, problems: string[]): string | null {
  if (!ENV_NAME.test(variable)) {
    problems.push(`${at}.${field}: must name an environment variable`);
    return null;
  }
  const value = env[variable]?.trim();
  if (!value) {
    problems.push(`${at}.${field}: the environment variable ${variable} is not set`);
    return null;
  }
  return value;
}

/** True when the secret is acceptable; otherwise the problem, described without the value. */
function secretProblem(secret: string, kind: 'api-key' | 'oauth-token', at: string, field: string, problems: string[]): boolean {
  if (secret.length < 8) problems.push(`${at}.${field}: too short to be a credential`);
  else if (/[\u0000-\u001f\u007f]/.test(secret)) problems.push(`${at}.${field}: contains a control character such as a newline (was it copied with one?)`);
  else if (kind === 'api-key' && secret.startsWith('sk-ant-oat')) problems.push(`${at}.${field}: holds an OAuth token (sk-ant-oat…); put it in accessToken or accessTokenEnv`);
  else return true;
  return false;
}

/**
 * `yaml`'s parse, loaded for a YAML credentials file only: a gateway with
 * the module merely loaded spends a few % more CPU per request (a build
 * without it, alternating rounds: 0.963), and most read none.
 */
function parseYaml(text: string): unknown {
  const yaml = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yaml.parse(text);
}
