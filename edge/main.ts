// `npm start`: resolve NATS, Postgres and secrets, then run the whole hub in this process.
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import pino from 'pino';
import { resolveInfra } from './boot/infra.ts';
import { writeRuntimeFile } from './boot/runtime-file.ts';
import { loadSettings } from './config.ts';
import { createHub } from './hub.ts';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { service: 'hearth' } });

async function main() {
  const settings = loadSettings();
  const infra = await resolveInfra({ logger });
  const hub = await createHub({
    natsUrl: infra.natsUrl,
    databaseUrl: infra.databaseUrl,
    authSecret: infra.authSecret,
    settings,
    logger,
  });
  await hub.start();
  const removeRuntimeFile = await writeRuntimeFile(infra.dataDir, {
    pid: process.pid,
    natsUrl: infra.natsUrl,
    databaseUrl: infra.databaseUrl,
    namespace: settings.namespace,
  });
  const server = serve(
    { fetch: hub.app.fetch, port: settings.port, hostname: process.env.HOST ?? '0.0.0.0' },
    (info) => {
      logger.info({ port: info.port }, `Hearth is running at ${settings.hub.publicUrl}`);
      process.stdout.write(`\n  Hearth is running at ${settings.hub.publicUrl}\n\n`);
    },
  );
  hub.attach(server as Server);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close();
    await removeRuntimeFile();
    await hub.stop().catch((err) => logger.error({ err }, 'stop failed'));
    await infra.stop().catch((err) => logger.error({ err }, 'stopping services failed'));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  logger.fatal({ err }, 'Hearth could not start');
  process.stderr.write(`\nHearth could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
