// Figures: chat fan-out on one edge process. N WebSocket clients (in a helper process of
// their own) follow the family channel; one of them sends, spaced messages, and every socket
// notes when the frame arrives: p50/p99 from send to each receipt, and the edge's memory per
// idle connection (after a forced GC, before the first socket and once all are joined).
import { loadavg } from 'node:os';
import type { Connect, Fanout, FanoutResult } from './chat-clients.ts';
import type { EdgeMemory, EdgeWindow } from './chat-edge.ts';
import { signUpMembers, startEdgeProcess } from './chat-hub.ts';
import type { BenchContext } from './context.ts';
import { forkHelper } from './ipc.ts';
import { percentile, round } from './lanes.ts';
import type { FigureResult } from './types.ts';

export const FANOUT_P99_TARGET_MS = 250;

export async function measureChatFanout({
  ctx,
  clients,
  people,
  messages,
  spacingMs,
  step,
}: {
  ctx: BenchContext;
  clients: number;
  /** Sockets belong to this many people in turn (several tabs and phones each). */
  people: number;
  messages: number;
  spacingMs: number;
  step: (text: string) => void;
}): Promise<{ latency: FigureResult; memory: FigureResult }> {
  const load1mBefore = round(loadavg()[0] ?? 0, 2);
  step(`chat fan-out: ${clients} sockets of ${people} people on one edge, ${messages} messages`);
  const edge = await startEdgeProcess(ctx, 'chatfanout');
  const sockets = forkHelper('./chat-clients.ts');
  try {
    const cookies = await signUpMembers(edge, Math.min(people, clients), 'fanout');
    const idle = await edge.call<EdgeMemory>('memory');
    const connect: Connect = {
      base: edge.base,
      origin: edge.origin,
      cookies,
      count: clients,
      channel: 'family',
    };
    const connected = await sockets.call<{ seconds: number }>('connect', connect);
    // Presence frames of the people coming online go out while sockets join; let them drain.
    await new Promise((r) => setTimeout(r, 1000));
    const busy = await edge.call<EdgeMemory>('memory');
    await edge.call('windowStart');
    const fanout: Fanout = { channel: 'family', messages, warmup: 1, spacingMs };
    const result = await sockets.call<FanoutResult>('fanout', fanout);
    const window = await edge.call<EdgeWindow>('windowEnd');
    const load1mAfter = round(loadavg()[0] ?? 0, 2);
    const perConn = (k: keyof EdgeMemory) => round((busy[k] - idle[k]) / clients);
    const retained = perConn('heapUsed') + perConn('external');
    const p99 = percentile(result.latencies, 99);
    return {
      latency: {
        id: 'chat-fanout',
        title: `chat fan-out p99, ${clients} sockets on one edge`,
        figure: {
          label: `one message → ${clients} sockets (send to each receipt), ${messages} messages ${spacingMs} ms apart after 1 warm-up`,
          unit: 'ms',
          value: p99,
          count: result.latencies.length,
          seconds: round(window.seconds, 2),
          details: {
            p50Ms: percentile(result.latencies, 50),
            p99Ms: p99,
            maxMs: percentile(result.latencies, 100),
            lastSocketP50Ms: percentile(result.lastDelivery, 50),
            lastSocketMaxMs: percentile(result.lastDelivery, 100),
            missing: result.missing,
            duplicates: result.duplicates,
            closedEarly: result.closedEarly,
            edgeCpuMsPerMessage: round(window.cpuMs / (messages + 1), 1),
            edgeLoopDelayP99Ms: round(window.loopDelayP99Ms, 1),
            load1mBefore,
            load1mAfter,
          },
        },
        baseline: null,
        target: { description: `fan-out p99 < ${FANOUT_P99_TARGET_MS} ms`, below: FANOUT_P99_TARGET_MS },
      },
      memory: {
        id: 'chat-idle-memory',
        title: `edge memory per idle socket, ${clients} sockets`,
        figure: {
          label: 'edge heap + external per joined idle socket, after GC',
          unit: 'bytes/socket',
          value: retained,
          count: clients,
          seconds: round(connected.seconds, 2),
          details: {
            heapPerSocket: perConn('heapUsed'),
            externalPerSocket: perConn('external'),
            rssPerSocket: perConn('rss'),
            edgeRssMiB: round(busy.rss / 2 ** 20, 1),
            load1mBefore,
            load1mAfter,
          },
        },
        baseline: null,
      },
    };
  } finally {
    await sockets.close();
    await edge.close();
  }
}
