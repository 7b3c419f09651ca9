// One isolated run: a random namespace on the shared nats-server and fresh databases, all
// removed at the end, so a bench never reads or leaves anything a test or a hub would see.
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { createNames, type Names } from '../contracts/subjects.ts';
import { connectNats } from '../writers/log/connect.ts';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const ADMIN_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** BENCH_LINGER_MS: the read models' linger in the bench's hubs, to compare settings in one run. */
const LINGER_MS = process.env.BENCH_LINGER_MS ? Number(process.env.BENCH_LINGER_MS) : undefined;

export type BenchContext = {
  runId: string;
  /** The NATS server every figure uses (NATS_URL, read once here). */
  natsUrl: string;
  /** The read models' linger for the bench's hubs (BENCH_LINGER_MS, read once here); unset: the hub's. */
  lingerMs: number | undefined;
  nc: NatsConnection;
  /** A namespace of its own per figure, so streams never mix events of two figures. */
  names: (figure: string) => Names;
  /** Creates hearth_bench_<run>_<figure> and returns its URL. */
  database: (figure: string) => Promise<string>;
  postgresVersion: () => Promise<string>;
  cleanup: () => Promise<void>;
};

/** Connects as the hub does (connectNats), so the figures neither flatter nor wrong it. */
export async function openContext(): Promise<BenchContext> {
  const runId = randomBytes(4).toString('hex');
  const nc = await connectNats({ servers: NATS_URL, name: `bench-${runId}` });
  const databases: string[] = [];

  const admin = async <T>(work: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await c.connect();
    try {
      return await work(c);
    } finally {
      await c.end();
    }
  };

  return {
    runId,
    natsUrl: NATS_URL,
    lingerMs: LINGER_MS,
    nc,
    names: (figure) => createNames(`b${runId}${figure}`),
    database: async (figure) => {
      const name = `hearth_bench_${runId}_${figure}`;
      await admin((c) => c.query(`CREATE DATABASE ${name}`));
      databases.push(name);
      const url = new URL(ADMIN_DATABASE_URL);
      url.pathname = `/${name}`;
      return url.toString();
    },
    postgresVersion: () =>
      admin(
        async (c) =>
          (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ??
          'unknown',
      ),
    cleanup: async () => {
      // Every stream, KV bucket and object store of this run is named after B<runId> (see createNames).
      const upper = `B${runId.toUpperCase()}`;
      const jsm = await jetstreamManager(nc);
      for await (const s of jsm.streams.list()) {
        const name = s.config.name;
        if ([upper, `KV_${upper}`, `OBJ_${upper}`].some((p) => name.startsWith(p)))
          await jsm.streams.delete(name);
      }
      await nc.drain();
      await admin(async (c) => {
        for (const name of databases) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
    },
  };
}
