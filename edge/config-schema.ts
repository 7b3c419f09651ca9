// The schema every variable of the environment is checked against (edge/config.ts reads the
// environment and applies it; nothing here reads it). The README's configuration table lists it.
import type { JSONSchemaType } from 'ajv';
import { OTEL_PROPERTIES, type OtelEnvironment } from './config-schema-otel.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The environment as the schema leaves it: checked, coerced, defaults filled in. */
export type Environment = OtelEnvironment & {
  PORT: number;
  HOST: string;
  LOG_LEVEL?: LogLevel;
  NATS_URL?: string;
  NATS_USER?: string;
  NATS_PASSWORD?: string;
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
  HEARTH_ROLE: 'all' | 'edge' | 'projectors';
  HEARTH_STREAM_REPLICAS: number;
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
  HEARTH_AUDIT_SIGNING_KEY?: string;
  HEARTH_AUDIT_CHECKPOINT_EVERY: number;
  HEARTH_AUDIT_CHECKPOINT_INTERVAL: number;
  HEARTH_AUDIT_VERIFY_INTERVAL: number;
  HEARTH_LOG_KEEPER_INTERVAL: number;
  HEARTH_LOG_KEEPER_MARGIN: number;
  OLLAMA_URL?: string;
  HEARTH_ASSISTANT_MODEL: string;
  HEARTH_ASSISTANT_TIMEOUT: number;
  HEARTH_ASSISTANT_CACHE_TTL: number;
  PATH: string;
};

const NATS_URLS = '^[^\\s,]+(,[^\\s,]+)*$';
const POSTGRES_URL = '^postgres(ql)?://\\S+$';

/** Each variable's `description` is the form it expects, as the error message states it. */
export const SCHEMA: JSONSchemaType<Environment> = {
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
    // deploy/nats/nats.conf names the hub's user; integrators connect as another, read-only.
    NATS_USER: { type: 'string', pattern: '^\\S+$', nullable: true, description: 'a NATS user name' },
    NATS_PASSWORD: { type: 'string', nullable: true, description: "the NATS user's password" },
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
    // Scale-out: edges serve people, projectors run read models, reactors and the chainer.
    HEARTH_ROLE: {
      type: 'string',
      enum: ['all', 'edge', 'projectors'],
      default: 'all',
      description: 'all, edge or projectors',
    },
    HEARTH_STREAM_REPLICAS: { type: 'integer', minimum: 1, maximum: 5, default: 1, description: '1 to 5' },
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
    HEARTH_AUDIT_SIGNING_KEY: {
      type: 'string',
      pattern:
        '^(-----BEGIN PRIVATE KEY-----[A-Za-z0-9+/=\\s]+-----END PRIVATE KEY-----\\s*|[A-Za-z0-9+/=]{40,})$',
      nullable: true,
      description:
        'an Ed25519 private key, PKCS8 as PEM or base64 DER (`openssl genpkey -algorithm ed25519`)',
    },
    HEARTH_AUDIT_CHECKPOINT_EVERY: {
      type: 'integer',
      minimum: 1,
      maximum: 1_000_000,
      default: 1000,
      description: 'a whole number of events from 1 to 1000000',
    },
    HEARTH_AUDIT_CHECKPOINT_INTERVAL: {
      type: 'integer',
      minimum: 1,
      maximum: 86_400,
      default: 60,
      description: 'a whole number of seconds from 1 to 86400',
    },
    HEARTH_AUDIT_VERIFY_INTERVAL: {
      type: 'integer',
      minimum: 0,
      maximum: 604_800,
      default: 86_400,
      description: 'a whole number of seconds from 0 (never) to 604800',
    },
    HEARTH_LOG_KEEPER_INTERVAL: {
      type: 'integer',
      minimum: 1,
      maximum: 86_400,
      default: 3600,
      description: 'a whole number of seconds from 1 to 86400',
    },
    HEARTH_LOG_KEEPER_MARGIN: {
      type: 'integer',
      minimum: 1,
      maximum: 180,
      default: 30,
      description: 'a whole number of days from 1 to 180',
    },
    // The family assistant (edge/assistant/): an Ollama-compatible model server.
    OLLAMA_URL: {
      type: 'string',
      pattern: '^https?://\\S+$',
      nullable: true,
      description: 'an http(s) URL of an Ollama server, such as http://ollama:11434',
    },
    HEARTH_ASSISTANT_MODEL: {
      type: 'string',
      pattern: '^[A-Za-z0-9._:/-]{1,100}$',
      default: 'llama3.2',
      description: 'a model name, such as llama3.2',
    },
    HEARTH_ASSISTANT_TIMEOUT: {
      type: 'integer',
      minimum: 1,
      maximum: 600,
      default: 60,
      description: 'a whole number of seconds from 1 to 600',
    },
    HEARTH_ASSISTANT_CACHE_TTL: {
      type: 'integer',
      minimum: 0,
      maximum: 86400,
      default: 600,
      description: 'a whole number of seconds from 0 to 86400',
    },
    PATH: { type: 'string', default: '', description: 'a search path' },
    // OpenTelemetry's own names: how traces leave the hub (edge/boot/tracing.ts).
    ...OTEL_PROPERTIES,
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
    'HEARTH_ROLE',
    'HEARTH_STREAM_REPLICAS',
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
    'HEARTH_AUDIT_CHECKPOINT_EVERY',
    'HEARTH_AUDIT_CHECKPOINT_INTERVAL',
    'HEARTH_AUDIT_VERIFY_INTERVAL',
    'HEARTH_LOG_KEEPER_INTERVAL',
    'HEARTH_LOG_KEEPER_MARGIN',
    'HEARTH_ASSISTANT_MODEL',
    'HEARTH_ASSISTANT_TIMEOUT',
    'HEARTH_ASSISTANT_CACHE_TTL',
    'PATH',
  ],
};
