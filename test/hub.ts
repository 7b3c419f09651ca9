// A whole hub on test NATS and a fresh database, and a small HTTP client that keeps cookies,
// for e2e tests over HTTP. Each test file gets its own namespace and database.
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import pino from 'pino';
import type { EventMetadata } from '../contracts/gen/hearth/common/v1/metadata_pb.ts';
import { IdentityEventSchema } from '../contracts/gen/hearth/identity/v1/events_pb.ts';
import type { InviteMade } from '../contracts/identity.api.ts';
import type { ChatOptions } from '../edge/chat/index.ts';
import { loadSettings } from '../edge/config.ts';
import { createHub, type Hub } from '../edge/hub.ts';
import type { IdentityConfig } from '../edge/identity/index.ts';
import type { IntegratorOptions } from '../edge/integrators/index.ts';
import { exportSigningKey, generateSigningKey } from '../writers/audit/chain.ts';
import type { IdentityEventBody } from '../writers/identity/state.ts';
import { openEnvelopeReady } from '../writers/log/decode.ts';
import { testDatabase, testNats, uniquePrefix } from './services.ts';

export type TestHub = {
  hub: Hub;
  databaseUrl: string;
  origin: string;
  /** A browser of its own: its cookies, its address. */
  client: () => TestClient;
  /** An invite made by `admin` over the API (default: one use, as member, for 7 days). */
  invite: (
    admin: TestClient,
    input?: { role?: string; uses?: number; expiresIn?: string },
  ) => Promise<InviteMade>;
  stop: () => Promise<void>;
};

export type TestClient = {
  ip: string;
  request: (
    path: string,
    init?: { method?: string; body?: unknown; headers?: Record<string, string> },
  ) => Promise<Response>;
  /** With `invite`, the token of an invite link, as the sign-up page sends it. */
  signUp: (input: { email: string; password?: string; name?: string; invite?: string }) => Promise<Response>;
  signIn: (input: { email: string; password?: string }) => Promise<Response>;
  /** The user id of the current session, or throws. */
  me: () => Promise<{ id: string; email: string; role: string }>;
  cookies: Map<string, string>;
};

export const PASSWORD = 'correct horse battery';
/** One audit signing key per test file, so every hub of a file signs alike. */
export const TEST_AUDIT_KEY = exportSigningKey(generateSigningKey());
let clients = 0;

export async function startTestHub({
  identity = {},
  natsUrl,
  databaseUrl,
  prefix = uniquePrefix(),
  env = {},
  chat,
  log,
  integrators,
  tracing,
}: {
  /** The event feed's batch, heartbeat and bounds. */
  integrators?: IntegratorOptions;
  /** Traces on, into this exporter (edge/tracing.e2e.test.ts keeps them in memory). */
  tracing?: { exporter: SpanExporter };
  identity?: Partial<IdentityConfig>;
  /** More settings, as environment variables (HEARTH_COMMAND_RATE_LIMIT, …). */
  env?: Record<string, string>;
  chat?: ChatOptions;
  /** A private server; otherwise the shared test server, cleaned up by namespace. */
  natsUrl?: string;
  /** A database on a private server (the test drops it); otherwise a fresh one on the shared server. */
  databaseUrl?: string;
  prefix?: string;
  /** The streams' max age and the log keeper's timings, to watch events expire. */
  log?: { retentionMs: number; logKeeper: { intervalMs: number; marginMs: number } };
} = {}): Promise<TestHub> {
  const nats = natsUrl ? undefined : await testNats(prefix);
  const database = databaseUrl
    ? { url: databaseUrl, cleanup: async () => undefined }
    : await testDatabase(prefix);
  const settings = loadSettings({ ...env, HEARTH_NAMESPACE: prefix, PORT: '3000' });
  // Sign-up is open unless a test says otherwise: most tests are about what members do, not
  // how they got in. Tests of the way in set openSignup: false.
  settings.identity = { ...settings.identity, openSignup: true, ...identity };
  const hub = await createHub({
    natsUrl: natsUrl ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    databaseUrl: database.url,
    authSecret: 'a-test-secret-that-is-long-enough-0123456789',
    auditSigningKey: TEST_AUDIT_KEY,
    settings,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    ackWaitMs: 2000,
    ...(chat && { chat }),
    ...(integrators && { integrators }),
    ...(tracing && { tracing }),
    ...log,
  });
  await hub.start();
  const origin = settings.hub.publicUrl;

  const client = (): TestClient => {
    clients++;
    const ip = `10.${(process.pid >> 8) & 255}.${(clients >> 8) & 255}.${clients & 255}`;
    const cookies = new Map<string, string>();
    const request: TestClient['request'] = async (path, init = {}) => {
      const headers: Record<string, string> = { 'X-Forwarded-For': ip, ...init.headers };
      const method = init.method ?? (init.body === undefined ? 'GET' : 'POST');
      if (method !== 'GET') headers.Origin = origin;
      if (init.body !== undefined) headers['Content-Type'] = 'application/json';
      if (cookies.size > 0) headers.Cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const res = await hub.app.request(`${origin}${path}`, {
        method,
        headers,
        ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
      });
      for (const line of res.headers.getSetCookie()) {
        const [pair = ''] = line.split(';');
        const eq = pair.indexOf('=');
        const name = pair.slice(0, eq).trim();
        const value = pair.slice(eq + 1).trim();
        if (!value || /max-age=0\b/i.test(line)) cookies.delete(name);
        else cookies.set(name, value);
      }
      return res;
    };
    return {
      ip,
      cookies,
      request,
      signUp: ({ email, password = PASSWORD, name = email.split('@')[0] ?? 'someone', invite }) =>
        request('/api/auth/sign-up/email', {
          body: { email, password, name, ...(invite !== undefined && { invite }) },
        }),
      signIn: ({ email, password = PASSWORD }) =>
        request('/api/auth/sign-in/email', { body: { email, password } }),
      me: async () => {
        const res = await request('/api/auth/get-session');
        if (res.status !== 200) throw new Error(`no session: ${res.status}`);
        return ((await res.json()) as { user: { id: string; email: string; role: string } }).user;
      },
    };
  };

  return {
    hub,
    databaseUrl: database.url,
    origin,
    client,
    invite: async (admin, { role = 'member', uses = 1, expiresIn = '7d' } = {}) => {
      const res = await admin.request('/api/v1/admin/invites', { body: { role, uses, expiresIn } });
      if (res.status !== 201) throw new Error(`invite refused: ${res.status} ${await res.text()}`);
      return (await res.json()) as InviteMade;
    },
    stop: async () => {
      await hub.stop();
      await database.cleanup();
      await nats?.cleanup();
    },
  };
}

export type LoggedEvent = IdentityEventBody & {
  seq: number;
  subject: string;
  metadata: EventMetadata | undefined;
  msgId: string;
};

/** Every event on the hub's IDENTITY stream, in order (test streams are small). */
export async function identityEvents(hub: Hub): Promise<LoggedEvent[]> {
  const { log } = hub.deps;
  const stream = log.names.stream('identity');
  const { state } = await log.jsm.streams.info(stream);
  const out: LoggedEvent[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const m = await log.jsm.direct.getMessage(stream, { seq });
    if (!m) continue;
    // Personal fields opened as every reader of the log opens them (blank once erased).
    const { envelope } = await openEnvelopeReady(IdentityEventSchema, m.data);
    if (envelope.event.case === undefined) continue;
    out.push({
      ...envelope.event,
      seq,
      subject: m.subject,
      metadata: envelope.metadata,
      msgId: m.header?.get('Nats-Msg-Id') ?? '',
    });
  }
  return out;
}

/** Polls until `probe` answers something other than undefined; a throw counts as "not yet". */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  { timeoutMs = 15_000, what = 'the condition' }: { timeoutMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const found = await probe();
      if (found !== undefined) return found;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`, { cause: lastError });
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
