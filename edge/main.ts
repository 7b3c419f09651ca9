// `npm start`: resolve NATS, Postgres and secrets, then run the whole hub in this process.
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { findClamd, resolveInfra } from './boot/infra.ts';
import { writeRuntimeFile } from './boot/runtime-file.ts';
import { gracefulShutdown } from './boot/shutdown.ts';
import { loadSettings, type Settings } from './config.ts';
import { createHub } from './hub.ts';
import { createLogger } from './logger.ts';

// The environment is checked before anything starts; a bad value names itself and stops here.
let settings: Settings;
try {
  settings = loadSettings();
} catch (err) {
  process.stderr.write(`\nHearth could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
const logger = createLogger({ level: settings.logLevel ?? 'info' });

async function main(given: Settings) {
  const infra = await resolveInfra({ settings: given.infra, logger });
  const clamdUrl = given.media.clamdUrl ?? (await findClamd(given.infra.probeClamd));
  if (clamdUrl && !given.media.clamdUrl)
    logger.info({ url: clamdUrl }, 'clamd found; uploads are scanned by it');
  const settings: Settings = { ...given, media: { ...given.media, clamdUrl } };
  const hub = await createHub({
    natsUrl: infra.natsUrl,
    natsAuth: infra.natsAuth,
    databaseUrl: infra.databaseUrl,
    authSecret: infra.authSecret,
    auditSigningKey: infra.auditSigningKey,
    settings,
    logger,
  });
  await hub.start();
  const removeRuntimeFile = await writeRuntimeFile(infra.dataDir, {
    pid: process.pid,
    natsUrl: infra.natsUrl,
    databaseUrl: infra.databaseUrl,
    namespace: settings.namespace,
    publicUrl: settings.hub.publicUrl,
  });
  const server = serve({ fetch: hub.app.fetch, port: settings.port, hostname: settings.host }, (info) => {
    logger.info({ port: info.port }, `Hearth is running at ${settings.hub.publicUrl}`);
    process.stdout.write(`\n  Hearth is running at ${settings.hub.publicUrl}\n\n`);
    if (settings.identity.openSignup) {
      process.stdout.write(
        '  !! Open sign-up is on (HEARTH_OPEN_SIGNUP=true): anyone who can reach this address can\n' +
          '  !! create an account and join the family. Unset it to let people in by invite only.\n\n',
      );
    }
    if (!settings.media.clamdUrl) {
      process.stdout.write(
        '  !! No virus scanner: CLAMD_URL is unset and no clamd answers where one usually is\n' +
          `  !! (${settings.infra.probeClamd.join(', ')}). Uploads are refused (503) until one does:\n` +
          '  !! install clamav-daemon, or set CLAMD_URL. Everything else works as usual.\n\n',
      );
    }
  });
  hub.attach(server as Server);
  const stopHub = gracefulShutdown({
    server: server as Server,
    hub,
    graceMs: settings.shutdown.graceMs,
    delayMs: settings.shutdown.delayMs,
    logger,
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      // A second Ctrl-C: the waits are cut short; the stop itself still runs.
      await stopHub(signal);
      return;
    }
    stopping = true;
    // Whatever happens below, the process ends within the grace period.
    setTimeout(() => {
      logger.error({ signal }, 'not stopped within HEARTH_SHUTDOWN_GRACE; exiting anyway');
      process.exit(1);
    }, settings.shutdown.graceMs).unref();
    await removeRuntimeFile();
    await stopHub(signal).catch((err) => logger.error({ err }, 'stop failed'));
    await infra.stop().catch((err) => logger.error({ err }, 'stopping services failed'));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main(settings).catch((err) => {
  logger.fatal({ err }, 'Hearth could not start');
  process.stderr.write(`\nHearth could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
