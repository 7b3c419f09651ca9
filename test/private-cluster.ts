// A three-node JetStream cluster of the test's (or the bench's) own, on loopback: three real
// nats-server processes, each with its client port, route port, monitoring port and store dir.
// A node killed with SIGKILL starts again on the same ports and store, as a restarted machine
// would, and catches up from its peers. The shared server on 4222 is never touched.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { freePort } from '../edge/boot/infra.ts';
import { accepts } from './private-nats.ts';
import { NATS_SERVER_BIN } from './services.ts';

const START_TIMEOUT_MS = 20_000;
/** Electing the meta leader takes a few seconds after the nodes find each other. */
const READY_TIMEOUT_MS = 30_000;

export type ClusterNode = {
  name: string;
  url: string;
  port: number;
  /** The node's monitoring endpoint (/jsz, /varz). */
  monitor: string;
  running: () => boolean;
};

export type PrivateCluster = {
  nodes: ClusterNode[];
  /** Every node's URL, for clients that fail over between them. */
  urls: string[];
  /** SIGKILL: the node has no chance to flush, step down or say goodbye. */
  kill: (i: number) => Promise<void>;
  /** Starts node i again on its ports and store; resolves once it accepts connections. */
  start: (i: number) => Promise<void>;
  /**
   * Resolves once every node's /jsz shows the whole cluster: `size` peers, a meta leader, each
   * peer current and online; and JetStream answers through node i.
   */
  ready: (i?: number) => Promise<void>;
  /** Kills every node and removes their store dirs. */
  cleanup: () => Promise<void>;
};

/** /jsz's view of the meta group (nats-server 2.9): the leader, and the other peers. */
type MetaCluster = {
  cluster_size?: number;
  leader?: string;
  replicas?: { name: string; current: boolean; offline?: boolean }[];
};

type Slot = ClusterNode & { routePort: number; monitorPort: number; storeDir: string; output: string };

export async function startPrivateCluster({ size = 3 }: { size?: number } = {}): Promise<PrivateCluster> {
  const root = await mkdtemp(path.join(tmpdir(), 'hearth-cluster-'));
  const clusterName = path.basename(root);
  const slots: Slot[] = [];
  for (let i = 0; i < size; i++) {
    const [port, routePort, monitorPort] = [await freePort(), await freePort(), await freePort()];
    slots.push({
      name: `n${i + 1}`,
      url: `nats://127.0.0.1:${port}`,
      port,
      routePort,
      monitorPort,
      monitor: `http://127.0.0.1:${monitorPort}`,
      storeDir: path.join(root, `n${i + 1}`),
      output: '',
      running: () => children[i] !== undefined,
    });
  }
  const children: (ChildProcess | undefined)[] = slots.map(() => undefined);
  const routes = slots.map((s) => `nats://127.0.0.1:${s.routePort}`);

  const configOf = (s: Slot) =>
    [
      `server_name: ${s.name}`,
      `listen: 127.0.0.1:${s.port}`,
      `http: 127.0.0.1:${s.monitorPort}`,
      `jetstream { store_dir: ${JSON.stringify(s.storeDir)} }`,
      'cluster {',
      `  name: ${clusterName}`,
      `  listen: 127.0.0.1:${s.routePort}`,
      `  routes: [${routes.join(', ')}]`,
      '}',
      '',
    ].join('\n');

  const slot = (i: number): Slot => {
    const s = slots[i];
    if (!s) throw new Error(`no node ${i}`);
    return s;
  };

  const start = async (i: number) => {
    const s = slot(i);
    if (children[i]) throw new Error(`${s.name} is running`);
    const file = path.join(root, `${s.name}.conf`);
    await writeFile(file, configOf(s));
    s.output = '';
    const child = spawn(NATS_SERVER_BIN, ['-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => {
      s.output = (s.output + chunk.toString('utf8')).slice(-2000);
    });
    child.on('error', (err) => {
      s.output += err.message;
    });
    child.once('exit', () => {
      if (children[i] === child) children[i] = undefined;
    });
    children[i] = child;
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await accepts(s.port))) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`${s.name} did not start: ${s.output || 'no output'}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  const kill = async (i: number) => {
    const child = children[i];
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };

  const metaOf = async (s: Slot) => {
    const res = await fetch(`${s.monitor}/jsz`, { signal: AbortSignal.timeout(1000) });
    return ((await res.json()) as { meta_cluster?: MetaCluster }).meta_cluster;
  };
  /** Why node `s` does not yet see a whole cluster, or undefined once it does. */
  const notWhole = async (s: Slot, leaderOf: string | undefined): Promise<string | undefined> => {
    const meta = await metaOf(s);
    if (!meta) return `${s.name}: no meta cluster`;
    if (meta.cluster_size !== size) return `${s.name}: cluster size ${meta.cluster_size}`;
    if (!meta.leader) return `${s.name}: no meta leader`;
    if (meta.leader !== leaderOf) return `${s.name}: meta leader ${meta.leader}, not ${leaderOf}`;
    // Only the leader lists the other peers (nats-server 2.9).
    if (meta.leader !== s.name) return undefined;
    const peers = meta.replicas ?? [];
    if (peers.length !== size - 1) return `${s.name}: ${peers.length} peers`;
    const behind = peers.filter((p) => !p.current || p.offline).map((p) => p.name);
    return behind.length > 0 ? `${s.name}: peers not current: ${behind.join(', ')}` : undefined;
  };

  const ready = async (i = 0) => {
    const s = slot(i);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let last: unknown;
    while (Date.now() < deadline) {
      // Every node agrees on the leader the first one names, and the leader sees every peer.
      const first = await metaOf(slots[0] as Slot).catch(() => undefined);
      const why = await Promise.all(
        slots.map((node) => notWhole(node, first?.leader).catch((err) => String(err))),
      );
      last = why.filter(Boolean).join('; ');
      if (last) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      const nc = await connect({ servers: s.url, reconnect: false, timeout: 1000 }).catch(() => undefined);
      if (nc) {
        try {
          await (await jetstreamManager(nc, { timeout: 1000 })).getAccountInfo();
          return;
        } catch (err) {
          last = err;
        } finally {
          await nc.close();
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`JetStream not ready through ${s.name}: ${String(last)}\n${s.output}`);
  };

  const onExit = () => {
    for (const child of children) child?.kill('SIGKILL');
  };
  process.once('exit', onExit);
  const cleanup = async () => {
    for (let i = 0; i < slots.length; i++) await kill(i);
    process.off('exit', onExit);
    await rm(root, { recursive: true, force: true });
  };
  try {
    await Promise.all(slots.map((_, i) => start(i)));
    await ready(0);
  } catch (err) {
    await cleanup();
    throw err;
  }
  return {
    nodes: slots.map(({ name, url, port, monitor, running }) => ({ name, url, port, monitor, running })),
    urls: slots.map((s) => s.url),
    kill,
    start,
    ready,
    cleanup,
  };
}
