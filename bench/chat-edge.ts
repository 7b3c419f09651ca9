// Helper process of the chat figures: one edge as `npm start` runs it (createHub, a node
// server, the WebSocket attached) and nothing else on its event loop. The figures drive it
// over IPC: its memory after a forced GC, its event loop and CPU over a window, and a probe
// that notes when the history read model's checkpoint moves.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { serve } from '@hono/node-server';
import pino from 'pino';
import type { ChatOptions } from '../edge/chat/index.ts';
import { loadSettings } from '../edge/config.ts';
import { createHub, type Hub } from '../edge/hub.ts';
import { RUNTIME_SCHEMA } from '../projectors/runtime/tables.ts';
import { sharedClock } from './clock.ts';
import { serveHelper } from './ipc.ts';

export type EdgeStart = { natsUrl: string; databaseUrl: string; namespace: string; chat?: ChatOptions };
export type EdgeMemory = { rss: number; heapUsed: number; external: number; arrayBuffers: number };
export type EdgeWindow = { cpuMs: number; seconds: number; loopDelayP99Ms: number; loopDelayMaxMs: number };
/** [shared-clock ms, seq]: when the history read model was first seen to have applied each seq. */
export type Timeline = [number, number][];

const clock = sharedClock();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const gc = (globalThis as { gc?: () => void }).gc;
const loop = monitorEventLoopDelay({ resolution: 10 });

let hub: Hub | undefined;
let server: Server | undefined;
let span = { cpu: process.cpuUsage(), at: performance.now() };
let probe: { stopped: boolean; timeline: Timeline; done: Promise<void> } | undefined;

const running = () => {
  if (!hub) throw new Error('edge not started');
  return hub;
};

async function checkpoint(): Promise<number> {
  const { rows } = await running().deps.pool.query<{ last_seq: string }>(
    `SELECT last_seq FROM ${RUNTIME_SCHEMA}.checkpoints WHERE read_model = 'chat_messages'`,
  );
  return Number(rows[0]?.last_seq ?? 0);
}

/**
 * Steps through the sequence with the projector runner's own read-your-writes wait: a
 * sequence already applied answers from memory, the next one costs one checkpoint read and
 * then waits for the commit, so the probe adds one small query per commit.
 */
async function follow(p: NonNullable<typeof probe>) {
  const projectors = running().deps.projectors;
  let seen = await checkpoint();
  while (!p.stopped) {
    if (!(await projectors.waitFor('chat_messages', seen + 1, 250))) continue;
    seen += 1;
    p.timeline.push([clock.now(), seen]);
  }
}

serveHelper(
  {
    start: async ({ natsUrl, databaseUrl, namespace, chat }: EdgeStart) => {
      const settings = loadSettings({
        HEARTH_NAMESPACE: namespace,
        PORT: '0',
        HEARTH_COMMAND_RATE_LIMIT: '1000000',
        HEARTH_AUTH_RATE_LIMIT: 'off',
      });
      hub = await createHub({
        natsUrl,
        databaseUrl,
        authSecret: 'bench-secret-bench-secret-bench-secret-0123',
        settings,
        logger: pino({ level: 'silent' }),
        ...(chat ? { chat } : {}),
      });
      await hub.start();
      server = serve({ fetch: hub.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
      if (!server.listening) await new Promise((r) => server?.once('listening', r));
      hub.attach(server);
      loop.enable();
      return { port: (server.address() as AddressInfo).port, origin: settings.hub.publicUrl };
    },
    memory: async (): Promise<EdgeMemory> => {
      if (!gc) throw new Error('run with --expose-gc');
      for (let i = 0; i < 3; i++) {
        gc();
        await sleep(200);
      }
      const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
      return { rss, heapUsed, external, arrayBuffers };
    },
    windowStart: async () => {
      loop.reset();
      span = { cpu: process.cpuUsage(), at: performance.now() };
    },
    windowEnd: async (): Promise<EdgeWindow> => {
      const cpu = process.cpuUsage(span.cpu);
      return {
        cpuMs: (cpu.user + cpu.system) / 1000,
        seconds: (performance.now() - span.at) / 1000,
        loopDelayP99Ms: loop.percentile(99) / 1e6,
        loopDelayMaxMs: loop.max / 1e6,
      };
    },
    waitFor: async ({ seq, timeoutMs }: { seq: number; timeoutMs: number }) =>
      running().deps.projectors.waitFor('chat_messages', seq, timeoutMs),
    probeStart: async () => {
      const p = { stopped: false, timeline: [] as Timeline, done: Promise.resolve() };
      p.done = follow(p);
      probe = p;
    },
    probeEnd: async (): Promise<Timeline> => {
      if (!probe) return [];
      probe.stopped = true;
      await probe.done;
      return probe.timeline;
    },
  },
  async () => {
    if (probe) probe.stopped = true;
    server?.closeAllConnections();
    server?.close();
    await hub?.stop();
  },
);
