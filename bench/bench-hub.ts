// A whole hub on an ephemeral loopback port for the HTTP figures, in its own namespace (the
// run's cleanup removes its streams) and database, with no rate limits in the way, logging
// as `npm start` does. `split`: the production shape instead, an edge here (HEARTH_ROLE=edge)
// and every read model, reactor and the chainer in a process of its own (bench/projectors-process.ts).
import type { ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { loadSettings } from '../edge/config.ts';
import { createHub, type Hub } from '../edge/hub.ts';
import { createLogger } from '../edge/logger.ts';
import type { BenchContext } from './context.ts';
import { BENCH_AUTH_SECRET, startProjectorsProcess } from './projectors-process.ts';

export type BenchHub = {
  hub: Hub;
  server: Server;
  base: string;
  origin: string;
  /** The CPU (user + system, µs) the hub's processes have used so far: this one's and, split, the projectors'. */
  cpu: () => Promise<{ edge: number; projectors: number }>;
  stop: () => Promise<void>;
};

/** The settings every bench hub runs with, as environment variables. */
export const benchEnv = (namespace: string, env: Record<string, string> = {}): Record<string, string> => ({
  HEARTH_NAMESPACE: namespace,
  PORT: '0',
  HEARTH_COMMAND_RATE_LIMIT: '100000000',
  HEARTH_AUTH_RATE_LIMIT: 'off',
  ...env,
});

export async function startBenchHub(
  ctx: BenchContext,
  name: string,
  /** A second edge of the same hub: the first one's database (the namespace follows the name). */
  databaseUrl?: string,
  /** More settings, as environment variables (CLAMD_URL for the media figure). */
  env: Record<string, string> = {},
  { split = false }: { split?: boolean } = {},
): Promise<BenchHub & { databaseUrl: string }> {
  const url = databaseUrl ?? (await ctx.database(name));
  const namespace = `b${ctx.runId}${name}`;
  // The projectors' process first: it makes the schemas, then the edge finds them made.
  const projectors: ChildProcess | undefined = split
    ? await startProjectorsProcess({
        natsUrl: ctx.natsUrl,
        databaseUrl: url,
        env: benchEnv(namespace, { ...env, HEARTH_ROLE: 'projectors' }),
        lingerMs: ctx.lingerMs,
      })
    : undefined;
  const settings = loadSettings(benchEnv(namespace, split ? { ...env, HEARTH_ROLE: 'edge' } : env));
  const hub = await createHub({
    natsUrl: ctx.natsUrl,
    databaseUrl: url,
    authSecret: BENCH_AUTH_SECRET,
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
    server,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    origin: settings.hub.publicUrl,
    cpu: async () => {
      const own = process.cpuUsage();
      return { edge: own.user + own.system, projectors: projectors ? await childCpu(projectors) : 0 };
    },
    stop: async () => {
      server.close();
      await hub.stop();
      if (projectors) await stopChild(projectors);
    },
  };
}

/** The child's CPU so far (µs), asked over its IPC channel. */
function childCpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const answer = (m: unknown) => {
      const cpu = (m as { cpu?: number }).cpu;
      if (typeof cpu !== 'number') return;
      child.off('message', answer);
      resolve(cpu);
    };
    child.on('message', answer);
    if (!child.send({ ask: 'cpu' })) reject(new Error('the projectors process is gone'));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.send({ ask: 'stop' });
  });
}
