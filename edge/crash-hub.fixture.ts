// A whole hub in a process of its own, for edge/crash.e2e.test.ts to kill with SIGKILL:
// settings from the environment as `npm start` reads them, the services it is given, and a
// short ack wait, so the projectors of a restarted hub get back within a second what the
// killed one was holding unacknowledged. `--production-ack-wait` keeps the production one
// (30 s), for a test that must see what a lost delivery costs there (edge/cluster.e2e.test.ts).
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import pino from 'pino';
import { loadSettings } from './config.ts';
import { createHub } from './hub.ts';

const { NATS_URL, DATABASE_URL, HEARTH_AUTH_SECRET } = process.env;
if (!NATS_URL || !DATABASE_URL || !HEARTH_AUTH_SECRET)
  throw new Error('NATS_URL, DATABASE_URL, HEARTH_AUTH_SECRET');
const settings = loadSettings();
const hub = await createHub({
  natsUrl: NATS_URL,
  databaseUrl: DATABASE_URL,
  authSecret: HEARTH_AUTH_SECRET,
  settings,
  logger: pino({ level: settings.logLevel ?? 'warn' }),
  ...(process.argv.includes('--production-ack-wait') ? {} : { ackWaitMs: 1000 }),
});
await hub.start();
const server = serve({ fetch: hub.app.fetch, port: settings.port, hostname: '127.0.0.1' }, (info) =>
  process.stdout.write(`listening ${info.port}\n`),
);
hub.attach(server as Server);
