// Everything the hub and the CLI read from their environment, checked once at start against
// one schema (the README's table lists it). A bad value stops the start with a message that
// names the variable and the form it expects; variables the schema does not name are ignored.
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv, type JSONSchemaType } from 'ajv';
import * as formats from 'ajv-formats';
import type { InfraSettings } from './boot/infra.ts';
import { trustedBy } from './http/client-address.ts';
import type { HubConfig } from './http/deps.ts';
import type { IdentityConfig } from './identity/index.ts';
import type { MediaConfig } from './media/kit.ts';

export type HubSettings = {
  port: number;
  /** Isolates streams, subjects and buckets on a shared NATS server ('' in production). */
  namespace: string;
  hub: HubConfig;
  identity: Omit<IdentityConfig, 'secret'>;
  media: MediaConfig;
};

/** What `npm start` and the CLI need beyond the hub's own settings. */
export type Settings = HubSettings & {
  host: string;
  /** How `npm start` stops on SIGTERM or SIGINT (edge/boot/shutdown.ts). */
  shutdown: { graceMs: number; delayMs: number };
  /** Unset: each entry point has its own default (the hub logs info, the CLI warnings). */
  logLevel: LogLevel | undefined;
  infra: InfraSettings;
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
type LogLevel = (typeof LOG_LEVELS)[number];

/** The environment as the schema leaves it: checked, coerced, defaults filled in. */
type Environment = {
  PORT: number;
  HOST: string;
  LOG_LEVEL?: LogLevel;
  NATS_URL?: string;
  DATABASE_URL?: string;
  SMTP_URL?: string;
  HEARTH_PUBLIC_URL?: string;
  HEARTH_TRUSTED_ORIGINS?: string;
  HEARTH_TRUSTED_PROXIES?: string;
  HEARTH_ADMIN_EMAIL?: string;
  HEARTH_ALLOWED_EMAIL_DOMAINS?: string;
  HEARTH_OPEN_SIGNUP: boolean;
  HEARTH_MAIL_FROM: string;
  HEARTH_COMMAND_RATE_LIMIT: number;
  HEARTH_AUTH_RATE_LIMIT: 'on' | 'off';
  HEARTH_AUTH_RATE_LIMIT_MAX: number;
  HEARTH_READY_MAX_LAG: number;
  HEARTH_SHUTDOWN_GRACE: number;
  HEARTH_SHUTDOWN_DELAY: number;
  HEARTH_OPS_TOKEN?: string;
  HEARTH_NAMESPACE: string;
  HEARTH_DATA_DIR: string;
  HEARTH_AUTH_SECRET?: string;
  BETTER_AUTH_SECRET?: string;
  HEARTH_PROBE_NATS: string;
  HEARTH_PROBE_POSTGRES: string;
  HEARTH_PROBE_CLAMD: string;
  CLAMD_URL?: string;
  MEDIA_STORE: string;
  MAX_FILE_SIZE: number;
  MAX_AVATAR_SIZE: number;
  HEARTH_UPLOAD_TMP_DIR?: string;
  HEARTH_UPLOAD_IDLE_TIMEOUT: number;
  HEARTH_MEDIA_SWEEP_GRACE: number;
  HEARTH_FFMPEG: string;
  PATH: string;
};

const NATS_URLS = '^[^\\s,]+(,[^\\s,]+)*$';
const POSTGRES_URL = '^postgres(ql)?://\\S+$';

/** Each variable's `description` is the form it expects, as the error message states it. */
const SCHEMA: JSONSchemaType<Environment> = {
  type: 'object',
  properties: {
    PORT: {
      type: 'integer',
      minimum: 0,
      maximum: 65535,
      default: 3000,
      description: 'a port number (0–65535)',
    },
    HOST: {
      type: 'string',
      anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }, { format: 'hostname' }],
      default: '0.0.0.0',
      description: 'an address or host name to listen on, such as 0.0.0.0 or ::',
    },
    LOG_LEVEL: {
      type: 'string',
      enum: LOG_LEVELS,
      nullable: true,
      description: `one of ${LOG_LEVELS.join(', ')}`,
    },
    NATS_URL: {
      type: 'string',
      pattern: NATS_URLS,
      nullable: true,
      description: 'NATS server URLs, comma-separated, such as nats://nats:4222',
    },
    DATABASE_URL: {
      type: 'string',
      pattern: POSTGRES_URL,
      nullable: true,
      description: 'a postgres:// connection URL',
    },
    SMTP_URL: {
      type: 'string',
      pattern: '^smtps?://\\S+$',
      nullable: true,
      description: 'an smtp:// or smtps:// URL',
    },
    HEARTH_PUBLIC_URL: {
      type: 'string',
      format: 'http-url',
      nullable: true,
      description: 'an http:// or https:// URL',
    },
    HEARTH_TRUSTED_ORIGINS: {
      type: 'string',
      format: 'http-url-list',
      nullable: true,
      description: 'http:// or https:// origins, comma-separated',
    },
    HEARTH_TRUSTED_PROXIES: {
      type: 'string',
      format: 'address-list',
      nullable: true,
      description: 'IPv4 or IPv6 addresses or CIDRs, comma-separated, such as 10.0.0.0/8,fd00::/8',
    },
    HEARTH_ADMIN_EMAIL: { type: 'string', format: 'email', nullable: true, description: 'an email address' },
    HEARTH_ALLOWED_EMAIL_DOMAINS: {
      type: 'string',
      format: 'domain-list',
      nullable: true,
      description: 'domain names, comma-separated, such as family.example,grandma.example',
    },
    HEARTH_OPEN_SIGNUP: { type: 'boolean', default: false, description: 'true or false' },
    HEARTH_MAIL_FROM: {
      type: 'string',
      pattern: '@',
      default: 'Hearth <hearth@localhost>',
      description: 'a sender with an email address, such as Hearth <hearth@family.example>',
    },
    HEARTH_COMMAND_RATE_LIMIT: {
      type: 'integer',
      minimum: 1,
      default: 120,
      description: 'a whole number ≥ 1',
    },
    HEARTH_AUTH_RATE_LIMIT: { type: 'string', enum: ['on', 'off'], default: 'on', description: 'on or off' },
    HEARTH_AUTH_RATE_LIMIT_MAX: {
      type: 'integer',
      minimum: 1,
      default: 30,
      description: 'a whole number ≥ 1',
    },
    HEARTH_READY_MAX_LAG: { type: 'integer', minimum: 0, default: 10_000, description: 'a whole number ≥ 0' },
    // Kubernetes' own default (terminationGracePeriodSeconds), after which it kills the process.
    HEARTH_SHUTDOWN_GRACE: {
      type: 'integer',
      minimum: 1,
      maximum: 3600,
      default: 30,
      description: 'a whole number of seconds from 1 to 3600',
    },
    HEARTH_SHUTDOWN_DELAY: {
      type: 'integer',
      minimum: 0,
      maximum: 600,
      default: 0,
      description: 'a whole number of seconds from 0 to 600',
    },
    HEARTH_OPS_TOKEN: {
      type: 'string',
      pattern: '^[A-Za-z0-9._~+/=-]{16,}$',
      nullable: true,
      description: 'a secret of at least 16 letters, digits or ._~+/=-, such as `openssl rand -hex 32`',
    },
    HEARTH_NAMESPACE: {
      type: 'string',
      pattern: '^[a-z0-9]{0,32}$',
      default: '',
      description: 'up to 32 lowercase letters and digits',
    },
    HEARTH_DATA_DIR: { type: 'string', default: '.hearth', description: 'a directory' },
    HEARTH_AUTH_SECRET: { type: 'string', nullable: true, description: 'a secret' },
    BETTER_AUTH_SECRET: { type: 'string', nullable: true, description: 'a secret' },
    HEARTH_PROBE_NATS: {
      type: 'string',
      pattern: NATS_URLS,
      default: 'nats://127.0.0.1:4222',
      description: 'NATS server URLs, comma-separated',
    },
    HEARTH_PROBE_POSTGRES: {
      type: 'string',
      pattern: POSTGRES_URL,
      default: 'postgres://postgres@127.0.0.1:5432/postgres',
      description: 'a postgres:// connection URL',
    },
    HEARTH_PROBE_CLAMD: {
      type: 'string',
      pattern:
        '^(tcp://[^\\s/,]+:[0-9]{1,5}/?|unix:/[^\\s,]+|/[^\\s,]+)(,(tcp://[^\\s/,]+:[0-9]{1,5}/?|unix:/[^\\s,]+|/[^\\s,]+))*$',
      default: 'unix:/run/clamav/clamd.ctl,tcp://127.0.0.1:3310',
      description: 'clamd addresses to look for when CLAMD_URL is unset, comma-separated',
    },
    CLAMD_URL: {
      type: 'string',
      pattern: '^(tcp://[^\\s/]+:[0-9]{1,5}/?|unix:/\\S+|/\\S+)$',
      nullable: true,
      description: "clamd's address: tcp://host:3310, unix:/run/clamav/clamd.ctl or an absolute socket path",
    },
    MEDIA_STORE: {
      type: 'string',
      pattern: '^(nats|fs:\\S+)$',
      default: 'nats',
      description: "nats (JetStream's Object Store) or fs:<directory>",
    },
    MAX_FILE_SIZE: {
      type: 'integer',
      minimum: 1,
      maximum: 1_073_741_824,
      default: 10 * 1024 * 1024,
      description: 'a number of bytes from 1 to 1073741824',
    },
    MAX_AVATAR_SIZE: {
      type: 'integer',
      minimum: 1,
      maximum: 1_073_741_824,
      default: 2 * 1024 * 1024,
      description: 'a number of bytes from 1 to 1073741824',
    },
    HEARTH_UPLOAD_TMP_DIR: { type: 'string', nullable: true, description: 'a directory' },
    HEARTH_UPLOAD_IDLE_TIMEOUT: {
      type: 'integer',
      minimum: 1,
      maximum: 3600,
      default: 30,
      description: 'a whole number of seconds from 1 to 3600',
    },
    HEARTH_MEDIA_SWEEP_GRACE: {
      type: 'integer',
      minimum: 60,
      maximum: 604_800,
      default: 3600,
      description: 'a whole number of seconds from 60 to 604800',
    },
    HEARTH_FFMPEG: {
      type: 'string',
      pattern: '^\\S+$',
      default: 'ffmpeg',
      description: 'an ffmpeg command or its path',
    },
    PATH: { type: 'string', default: '', description: 'a search path' },
  },
  required: [
    'PORT',
    'HOST',
    'HEARTH_MAIL_FROM',
    'HEARTH_OPEN_SIGNUP',
    'HEARTH_COMMAND_RATE_LIMIT',
    'HEARTH_AUTH_RATE_LIMIT',
    'HEARTH_AUTH_RATE_LIMIT_MAX',
    'HEARTH_READY_MAX_LAG',
    'HEARTH_SHUTDOWN_GRACE',
    'HEARTH_SHUTDOWN_DELAY',
    'HEARTH_NAMESPACE',
    'HEARTH_DATA_DIR',
    'HEARTH_PROBE_NATS',
    'HEARTH_PROBE_POSTGRES',
    'HEARTH_PROBE_CLAMD',
    'MEDIA_STORE',
    'MAX_FILE_SIZE',
    'MAX_AVATAR_SIZE',
    'HEARTH_UPLOAD_IDLE_TIMEOUT',
    'HEARTH_MEDIA_SWEEP_GRACE',
    'HEARTH_FFMPEG',
    'PATH',
  ],
};

/** Values that may hold a password are not repeated in an error message. */
const SECRET = new Set([
  'NATS_URL',
  'DATABASE_URL',
  'HEARTH_PROBE_NATS',
  'HEARTH_PROBE_POSTGRES',
  'SMTP_URL',
  'HEARTH_AUTH_SECRET',
  'BETTER_AUTH_SECRET',
  'HEARTH_OPS_TOKEN',
  'CLAMD_URL',
]);

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const httpUrl = (s: string) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol);
const DOMAIN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function addresses(value: string): boolean {
  const items = list(value);
  // better-auth reads the same list: addresses and CIDRs only, not proxy-addr's names.
  if (!items.every((item) => isIP(item.replace(/\/\d+$/, '')) !== 0)) return false;
  try {
    trustedBy(items);
    return true;
  } catch {
    return false;
  }
}

const ajv = new Ajv({ allErrors: true, strict: true, coerceTypes: true, useDefaults: true });
(formats.default as unknown as (a: Ajv, f: string[]) => void)(ajv, ['email', 'hostname', 'ipv4', 'ipv6']);
ajv.addFormat('http-url', httpUrl);
ajv.addFormat('http-url-list', (s: string) => list(s).every(httpUrl));
ajv.addFormat('address-list', addresses);
ajv.addFormat('domain-list', (s: string) => list(s).every((d) => DOMAIN.test(d)));
const validate = ajv.compile(SCHEMA);

/** A start refused for its environment: one line per variable that is wrong. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('; '));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Checks the variables the schema names; an empty one counts as unset. */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const picked: Record<string, string> = {};
  for (const name of Object.keys(SCHEMA.properties)) {
    const value = env[name];
    if (value !== undefined && value !== '') picked[name] = value;
  }
  if (validate(picked)) return picked;
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    const name = error.instancePath.slice(1);
    if (!name || seen.has(name)) continue;
    seen.add(name);
    const form = (SCHEMA.properties as Record<string, { description: string }>)[name]?.description;
    const got = SECRET.has(name) ? '' : ` (got ${JSON.stringify(env[name])})`;
    problems.push(`${name} must be ${form ?? 'valid'}${got}`);
  }
  throw new ConfigError(problems);
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const e = readEnvironment(env);
  const publicUrl = (e.HEARTH_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  const trustedOrigins = [
    ...new Set([publicUrl, `http://127.0.0.1:${e.PORT}`, ...list(e.HEARTH_TRUSTED_ORIGINS)]),
  ];
  const trustedProxies = list(e.HEARTH_TRUSTED_PROXIES);
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    // The delay is spent inside the grace, never beyond it.
    shutdown: {
      graceMs: e.HEARTH_SHUTDOWN_GRACE * 1000,
      delayMs: Math.min(e.HEARTH_SHUTDOWN_DELAY, e.HEARTH_SHUTDOWN_GRACE) * 1000,
    },
    namespace: e.HEARTH_NAMESPACE,
    hub: {
      publicUrl,
      trustedOrigins,
      commandRateLimit: { limit: e.HEARTH_COMMAND_RATE_LIMIT, windowMs: 60_000 },
      bodyLimitBytes: 64 * 1024,
      trustedProxies,
      readyMaxLag: e.HEARTH_READY_MAX_LAG,
      opsToken: e.HEARTH_OPS_TOKEN,
    },
    identity: {
      baseURL: publicUrl,
      trustedOrigins,
      adminEmail: e.HEARTH_ADMIN_EMAIL?.toLowerCase(),
      allowedEmailDomains: list(e.HEARTH_ALLOWED_EMAIL_DOMAINS).map((d) => d.toLowerCase()),
      openSignup: e.HEARTH_OPEN_SIGNUP,
      smtpUrl: e.SMTP_URL,
      mailFrom: e.HEARTH_MAIL_FROM,
      trustedProxies,
      rateLimit: {
        enabled: e.HEARTH_AUTH_RATE_LIMIT === 'on',
        window: 60,
        max: e.HEARTH_AUTH_RATE_LIMIT_MAX,
      },
    },
    media: {
      clamdUrl: e.CLAMD_URL,
      store: e.MEDIA_STORE as MediaConfig['store'],
      maxFileSize: e.MAX_FILE_SIZE,
      maxAvatarSize: e.MAX_AVATAR_SIZE,
      tmpDir: e.HEARTH_UPLOAD_TMP_DIR ?? join(tmpdir(), 'hearth-uploads'),
      idleTimeoutMs: e.HEARTH_UPLOAD_IDLE_TIMEOUT * 1000,
      sweepGraceMs: e.HEARTH_MEDIA_SWEEP_GRACE * 1000,
      ffmpeg: e.HEARTH_FFMPEG,
    },
    infra: {
      natsUrl: e.NATS_URL,
      databaseUrl: e.DATABASE_URL,
      authSecret: e.HEARTH_AUTH_SECRET ?? e.BETTER_AUTH_SECRET,
      dataDir: e.HEARTH_DATA_DIR,
      probeNats: e.HEARTH_PROBE_NATS,
      probePostgres: e.HEARTH_PROBE_POSTGRES,
      probeClamd: list(e.HEARTH_PROBE_CLAMD),
      searchPath: e.PATH,
    },
  };
}
