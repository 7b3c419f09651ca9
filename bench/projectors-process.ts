// The projectors' half of a split bench hub (bench/bench-hub.ts): a hub in the role `projectors`
// in a process of its own, on the edge's NATS, namespace and database, as a deployment runs
// it. Run as a script it starts the hub and answers its parent over IPC: { ask: 'cpu' } with
// the CPU it has used, { ask: 'stop' } by stopping.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadSettings } from '../edge/config.ts';
import { createHub } from '../edge/hub.ts';
import { createLogger } from '../edge/logger.ts';

type Options = {
  natsUrl: string;
  databaseUrl: string;
  env: Record<string, string>;
  lingerMs?: number | undefined;
};

const SCRIPT = fileURLToPath(import.meta.url);
export const BENCH_AUTH_SECRET = 'bench-secret-bench-secret-bench-secret-0123';

/** Starts the process and resolves once its hub has started. */
export function startProjectorsProcess(options: Options): Promise<ChildProcess> {
  const child = fork(SCRIPT, [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const started = (m: unknown) => {
      if ((m as { started?: boolean }).started !== true) return;
      child.off('message', started);
      child.off('exit', failed);
      resolve(child);
    };
    const failed = (code: number | null) => reject(new Error(`the projectors process exited with ${code}`));
    child.on('message', started);
    child.once('exit', failed);
  });
}

async function main(o: Options) {
  const hub = await createHub({
    natsUrl: o.natsUrl,
    databaseUrl: o.databaseUrl,
    authSecret: BENCH_AUTH_SECRET,
    settings: loadSettings(o.env),
    ...(o.lingerMs === undefined ? {} : { lingerMs: o.lingerMs }),
    logger: createLogger({ level: 'info', destination: '/dev/null' }),
  });
  await hub.start();
  process.on('message', async (m: { ask?: string }) => {
    if (m.ask === 'cpu') {
      const used = process.cpuUsage();
      process.send?.({ cpu: used.user + used.system });
    } else if (m.ask === 'stop') {
      await hub.stop();
      process.exit(0);
    }
  });
  // The parent gone, so is this.
  process.on('disconnect', () => process.exit(0));
  process.send?.({ started: true });
}

if (process.argv[1] === SCRIPT) await main(JSON.parse(process.argv[2] ?? '{}') as Options);
