// Everything the hub and the CLI read from their environment, checked once at start against
// one schema (the README's table lists it). A bad value stops the start with a message that
// names the variable and the form it expects; variables the schema does not name are ignored.
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import * as formats from 'ajv-formats';
import type { AssistantConfig } from './assistant/config.ts';
import type { InfraSettings } from './boot/infra.ts';
import type { TracingSettings } from './boot/tracing-settings.ts';
import { type Environment, type LogLevel, SCHEMA } from './config-schema.ts';
import { trustedBy } from './http/client-address.ts';
import type { HubConfig } from './http/deps.ts';
import type { IdentityConfig } from './identity/index.ts';
import type { MediaConfig } from './media/kit.ts';

export type HubSettings = {
  port: number;
  /** Isolates streams, subjects and buckets on a shared NATS server ('' in production). */
  namespace: string;
  /**
   * all: one process does everything. edge: serves people (HTTP, sockets, live loops) and
   * leads no read model. projectors: runs the read models, reactors, chainer and keepers, and
   * answers only /health, /ready and /metrics.
   */
  role: 'all' | 'edge' | 'projectors';
  /** The streams' and buckets' replicas: 1 on one machine, 3 on a JetStream cluster. */
  streamReplicas: number;
  hub: HubConfig;
  identity: Omit<IdentityConfig, 'secret'>;
  media: MediaConfig;
  /** The hash chain's checkpoints: how often (the signing key is resolved with the secrets). */
  audit: { checkpointEvery: number; checkpointIntervalMs: number; verifyIntervalMs: number };
  /** The log keeper (projectors/log-keeper): how often, and how long before expiry events are kept. */
  logKeeper: { intervalMs: number; marginMs: number };
  /** OpenTelemetry traces: the standard OTEL_* variables (none set: off). */
  tracing: TracingSettings;
  /** The family assistant's model server (edge/assistant/). */
  assistant: AssistantConfig;
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

/** Values that may hold a password are not repeated in an error message. */
const SECRET = new Set([
  'NATS_URL',
  'NATS_PASSWORD',
  'DATABASE_URL',
  'HEARTH_PROBE_NATS',
  'HEARTH_PROBE_POSTGRES',
  'SMTP_URL',
  'HEARTH_AUTH_SECRET',
  'BETTER_AUTH_SECRET',
  'HEARTH_OPS_TOKEN',
  'CLAMD_URL',
  'HEARTH_AUDIT_SIGNING_KEY',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
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

/** Both or neither: a user without its password (or the reverse) is a mistake, said at start. */
function natsAuth(e: Environment): { user: string; pass: string } | undefined {
  if (e.NATS_USER && e.NATS_PASSWORD) return { user: e.NATS_USER, pass: e.NATS_PASSWORD };
  if (e.NATS_USER) throw new ConfigError(['NATS_USER is set without NATS_PASSWORD: set both, or neither']);
  if (e.NATS_PASSWORD)
    throw new ConfigError(['NATS_PASSWORD is set without NATS_USER: set both, or neither']);
  return undefined;
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
    role: e.HEARTH_ROLE,
    streamReplicas: e.HEARTH_STREAM_REPLICAS,
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
    audit: {
      checkpointEvery: e.HEARTH_AUDIT_CHECKPOINT_EVERY,
      checkpointIntervalMs: e.HEARTH_AUDIT_CHECKPOINT_INTERVAL * 1000,
      verifyIntervalMs: e.HEARTH_AUDIT_VERIFY_INTERVAL * 1000,
    },
    logKeeper: {
      intervalMs: e.HEARTH_LOG_KEEPER_INTERVAL * 1000,
      marginMs: e.HEARTH_LOG_KEEPER_MARGIN * 24 * 60 * 60 * 1000,
    },
    tracing: tracingSettings(e),
    assistant: {
      ollamaUrl: e.OLLAMA_URL?.replace(/\/$/, ''),
      defaultModel: e.HEARTH_ASSISTANT_MODEL,
      timeoutMs: e.HEARTH_ASSISTANT_TIMEOUT * 1000,
      maxDurationMs: 5 * 60_000,
      cacheTtlMs: e.HEARTH_ASSISTANT_CACHE_TTL * 1000,
    },
    infra: {
      auditSigningKey: e.HEARTH_AUDIT_SIGNING_KEY,
      natsUrl: e.NATS_URL,
      natsAuth: natsAuth(e),
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

/**
 * The spec's defaults, but off unless asked for: OTEL_TRACES_EXPORTER, or an OTLP endpoint,
 * turns traces on; OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none keeps them off.
 */
function tracingSettings(e: Environment): TracingSettings {
  const named = list(e.OTEL_TRACES_EXPORTER);
  const endpoint = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? e.OTEL_EXPORTER_OTLP_ENDPOINT;
  const asked = named.length > 0 ? named : endpoint ? ['otlp'] : [];
  const exporters =
    e.OTEL_SDK_DISABLED === true || asked.includes('none')
      ? []
      : [...new Set(asked)].filter((x): x is 'otlp' | 'console' => x === 'otlp' || x === 'console');
  const base = e.OTEL_EXPORTER_OTLP_ENDPOINT;
  return {
    exporters,
    otlp: {
      // A signal's own endpoint is used as it is; the shared one gets the signal's path.
      url:
        e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
        (base ? `${base.replace(/\/$/, '')}/v1/traces` : 'http://localhost:4318/v1/traces'),
      protocol: e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? e.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
      headers: {
        ...keyValues(e.OTEL_EXPORTER_OTLP_HEADERS),
        ...keyValues(e.OTEL_EXPORTER_OTLP_TRACES_HEADERS),
      },
    },
    serviceName: e.OTEL_SERVICE_NAME ?? 'hearth',
    resourceAttributes: keyValues(e.OTEL_RESOURCE_ATTRIBUTES),
    sampler: e.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on',
    samplerRatio: e.OTEL_TRACES_SAMPLER_ARG ?? 1,
  };
}

/** `key=value,key=value`, each side percent-decoded as the spec says. */
function keyValues(value: string | undefined): Record<string, string> {
  const pairs: Record<string, string> = Object.create(null);
  for (const item of list(value)) {
    const eq = item.indexOf('=');
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s.trim());
      } catch {
        return s.trim();
      }
    };
    pairs[decode(item.slice(0, eq))] = decode(item.slice(eq + 1));
  }
  return pairs;
}
