// A whole hub on an ephemeral loopback port for the HTTP figures, in its own namespace (the
// run's cleanup removes its streams) and database, with no rate limits in the way, logging
// as `npm start` does.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { loadSettings } from '../edge/config.ts';
import { createHub, type Hub } from '../edge/hub.ts';
import { createLogger } from '../edge/logger.ts';
import type { BenchContext } from './context.ts';

export type BenchHub = { hub: Hub; base: string; origin: string; stop: () => Promise<void> };

export async function startBenchHub(
  ctx: BenchContext,
  name: string,
  /** A second edge of the same hub: the first one's database (the namespace follows the name). */
  databaseUrl?: string,
  /** More settings, as environment variables (CLAMD_URL for the media figure). */
  env: Record<string, string> = {},
): Promise<BenchHub & { databaseUrl: string }> {
  const url = databaseUrl ?? (await ctx.database(name));
  const settings = loadSettings({
    HEARTH_NAMESPACE: `b${ctx.runId}${name}`,
    PORT: '0',
    HEARTH_COMMAND_RATE_LIMIT: '100000000',
    HEARTH_AUTH_RATE_LIMIT: 'off',
    ...env,
  });
  const hub = await createHub({
    natsUrl: ctx.natsUrl,
    databaseUrl: url,
    authSecret: 'bench-secret-bench-secret-bench-secret-0123',
    settings,
    ...(ctx.lingerMs === undefined ? {} : { lingerMs: ctx.lingerMs }),
    // Logging as `npm start` does (an access line per request), to nowhere.
    logger: createLogger({ level: 'info', destination: '/dev/null' }),
  });
  await hub.start();
  const server = serve({ fetch: hub.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise((r) => server.once('listening', r));
  return {
    databaseUrl: url,
    hub,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    origin: settings.hub.publicUrl,
    stop: async () => {
      server.close();
      await hub.stop();
    },
  };
}
