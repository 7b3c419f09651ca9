// A whole hub behind a real HTTP server, serving the built SPA and the chat socket, for
// browser tests. The server listens first so the hub can be told its real address: the
// browser's Origin must be one better-auth trusts.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import pino from 'pino';
import { loadSettings } from '../../edge/config.ts';
import { createHub, type Hub } from '../../edge/hub.ts';
import type { IntegratorOptions } from '../../edge/integrators/index.ts';
import { NATS_URL, testDatabase, testNats, uniquePrefix } from '../../test/services.ts';

export type BrowserHub = { hub: Hub; url: string; stop: () => Promise<void> };

/** Presence settles in well under a second, so tests need not wait out production timings. */
const FAST_PRESENCE = { ttlMs: 3000, heartbeatMs: 500, graceMs: 700 };

/**
 * Sign-up is open unless asked otherwise: most browser tests are about what people do once in.
 * The invite tests close it.
 */
export async function startBrowserHub({
  openSignup = true,
  env = {},
  integrators,
}: {
  openSignup?: boolean;
  /** Webhooks' timings (the webhooks test makes a dead letter in a second). */
  integrators?: IntegratorOptions;
  /** More of the hub's settings, as the environment names them (CLAMD_URL for the media tests). */
  env?: Record<string, string>;
} = {}): Promise<BrowserHub> {
  const prefix = uniquePrefix();
  const nats = await testNats(prefix);
  const database = await testDatabase(prefix);
  let hub: Hub | undefined;
  const server = serve({
    fetch: (req, env) => (hub ? hub.app.fetch(req, env) : new Response('starting', { status: 503 })),
    port: 0,
    hostname: '127.0.0.1',
  }) as Server;
  if (!server.listening) await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const settings = loadSettings({
    HEARTH_NAMESPACE: prefix,
    PORT: String(port),
    HEARTH_PUBLIC_URL: url,
    HEARTH_AUTH_RATE_LIMIT: 'off',
    HEARTH_OPEN_SIGNUP: String(openSignup),
    ...env,
  });
  hub = await createHub({
    natsUrl: NATS_URL,
    databaseUrl: database.url,
    authSecret: 'a-test-secret-that-is-long-enough-0123456789',
    settings,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    ackWaitMs: 2000,
    chat: { presence: FAST_PRESENCE },
    ...(integrators && { integrators }),
  });
  await hub.start();
  hub.attach(server);
  const started = hub;
  return {
    hub: started,
    url,
    stop: async () => {
      await started.stop();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await database.cleanup();
      await nats.cleanup();
    },
  };
}
