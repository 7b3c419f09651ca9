// A nats-server of a test's (or the bench's) own, for killing and restarting: the shared
// server on 4222 is never touched. It keeps its port across restarts, so clients reconnect to
// the address they know, and its store dir unless a restart asks for a fresh one.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect as dial } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../edge/boot/infra.ts';
import { NATS_SERVER_BIN } from './services.ts';

const START_TIMEOUT_MS = 20_000;

export type PrivateNats = {
  url: string;
  port: number;
  /** The current store dir (a fresh restart makes a new one). */
  storeDir: () => string;
  /** SIGKILL: the server has no chance to flush or say goodbye. */
  kill: () => Promise<void>;
  /** SIGSTOP / SIGCONT: the connection stays open and nothing answers (a hung server). */
  pause: () => void;
  resume: () => void;
  /** Starts it again on the same port; `fresh` gives it an empty store (a lost disk). Resolves once it accepts connections. */
  start: (opts?: { fresh?: boolean }) => Promise<void>;
  /** Kills it and removes every store dir it had. */
  cleanup: () => Promise<void>;
};

/**
 * `config`: a server configuration's text (deploy/nats/nats.conf), run with this store dir,
 * port and a free monitoring port; `env` holds the variables it refers to, and nothing else.
 */
export async function startPrivateNats({
  config,
  env,
}: {
  config?: string;
  env?: Record<string, string>;
} = {}): Promise<PrivateNats> {
  const port = await freePort();
  const dirs: string[] = [];
  const newDir = async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hearth-nats-'));
    dirs.push(dir);
    return dir;
  };
  let storeDir = await newDir();
  let child: ChildProcess | undefined;
  let output = '';

  const start = async ({ fresh = false }: { fresh?: boolean } = {}) => {
    if (child && child.exitCode === null && child.signalCode === null)
      throw new Error('nats-server is running');
    if (fresh) storeDir = await newDir();
    output = '';
    const where = ['-a', '127.0.0.1', '-p', String(port)];
    let args = ['-js', '-sd', storeDir, ...where];
    if (config !== undefined) {
      // The file names its own store dir (the server refuses -sd beside it): this one instead.
      const file = `${storeDir}.conf`;
      await writeFile(file, config.replace(/store_dir:.*$/m, `store_dir: ${JSON.stringify(storeDir)}`));
      args = ['-c', file, '-m', String(await freePort()), ...where];
    }
    const started = spawn(NATS_SERVER_BIN, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(env ? { env } : {}),
    });
    started.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-2000);
    });
    started.on('error', (err) => {
      output += err.message;
    });
    child = started;
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await accepts(port))) {
      if (started.exitCode !== null || Date.now() > deadline)
        throw new Error(`nats-server did not start: ${output || 'no output'}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  const kill = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };

  const signal = (name: NodeJS.Signals) => {
    if (!child || child.exitCode !== null || child.signalCode !== null)
      throw new Error('nats-server is not running');
    child.kill(name);
  };
  const onExit = () => child?.kill('SIGKILL');
  process.once('exit', onExit);
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir: () => storeDir,
    kill,
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    start,
    cleanup: async () => {
      await kill();
      process.off('exit', onExit);
      for (const dir of dirs) {
        await rm(dir, { recursive: true, force: true });
        await rm(`${dir}.conf`, { force: true });
      }
    },
  };
}

/** True once something listens on the port (the server accepts connections). */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dial({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
