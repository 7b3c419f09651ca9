// Figure: a chat message, sent over the WebSocket as the UI sends it, until it is readable in
// the history read model (GET /api/v1/messages), at a fixed rate. The clients (a helper
// process) note when each message went out and its sequence from the ack; the edge notes
// when the read model is first seen to have applied each sequence (the projector runner's
// read-your-writes wait: its checkpoint commits with the rows). Both on one shared clock.
import { loadavg } from 'node:os';
import type { Connect, Post, PostResult } from './chat-clients.ts';
import type { EdgeWindow, Timeline } from './chat-edge.ts';
import { signUpMembers, startEdgeProcess } from './chat-hub.ts';
import type { BenchContext } from './context.ts';
import { forkHelper } from './ipc.ts';
import { percentile, round } from './lanes.ts';
import type { FigureResult } from './types.ts';

export const HISTORY_P99_TARGET_MS = 100;

export async function measureChatHistory({
  ctx,
  rate,
  seconds,
  warmupSeconds,
  people,
  sockets: socketCount,
  step,
}: {
  ctx: BenchContext;
  /** Messages per second, held fixed. */
  rate: number;
  seconds: number;
  /** Sent first at the same rate and not counted: JIT and pools warm, the steady state measured. */
  warmupSeconds: number;
  people: number;
  /** Sockets the messages are spread over (one socket's frames are handled in order). */
  sockets: number;
  step: (text: string) => void;
}): Promise<FigureResult> {
  const load1mBefore = round(loadavg()[0] ?? 0, 2);
  const warmup = Math.round(rate * warmupSeconds);
  const count = Math.round(rate * seconds);
  step(`chat history: ${warmup}+${count} messages at ${rate}/s over ${socketCount} sockets, until readable`);
  // The per-person socket limit (5 messages/s) is raised, as HEARTH_COMMAND_RATE_LIMIT is
  // for HTTP: a handful of people carry the whole rate.
  const edge = await startEdgeProcess(ctx, 'chathistory', {
    rateLimit: { burst: 1_000_000, perSecond: 1_000_000 },
  });
  const clients = forkHelper('./chat-clients.ts');
  try {
    const cookies = await signUpMembers(edge, people, 'history');
    // The writers do not join the channel: fan-out back to them is the other figure's subject.
    const connect: Connect = { base: edge.base, origin: edge.origin, cookies, count: socketCount };
    await clients.call('connect', connect);
    await edge.call('probeStart');
    await edge.call('windowStart');
    const post: Post = { channel: 'family', rate, count: warmup + count };
    const posted = await clients.call<PostResult>('post', post);
    const lastSeq = Math.max(0, ...posted.sent.map((s) => s.seq));
    const caughtUp = await edge.call<boolean>('waitFor', { seq: lastSeq, timeoutMs: 30_000 });
    const window = await edge.call<EdgeWindow>('windowEnd');
    const timeline = await edge.call<Timeline>('probeEnd');
    const load1mAfter = round(loadavg()[0] ?? 0, 2);
    if (!caughtUp) throw new Error(`history read model did not reach seq ${lastSeq} within 30 s`);

    // The newest message is what the history route returns, too.
    const res = await fetch(`${edge.base}/api/v1/messages?channel=family&limit=1`, {
      headers: { cookie: cookies[0] as string },
    });
    const [newest] = (await res.json()) as { seq: number }[];
    if (newest?.seq !== lastSeq) throw new Error(`history shows seq ${newest?.seq}, expected ${lastSeq}`);

    const visible: number[] = [];
    const acked: number[] = [];
    let unseen = 0;
    for (const s of posted.sent) {
      if (s.i < warmup) continue;
      acked.push(s.ackAt - s.t0);
      const at = visibleAt(timeline, s.seq);
      if (at === undefined) unseen++;
      else visible.push(at - s.t0);
    }
    const p99 = percentile(visible, 99);
    const errors = Object.entries(posted.errors).map(([code, n]) => `${code}:${n}`);
    return {
      id: 'chat-history',
      title: `chat message → history read model p99, ${rate}/s`,
      figure: {
        label: `WebSocket message frame → readable in chat_messages, ${rate}/s fixed over ${socketCount} sockets after ${warmupSeconds} s warm-up`,
        unit: 'ms',
        value: p99,
        count: visible.length,
        seconds: round(window.seconds, 2),
        details: {
          p50Ms: percentile(visible, 50),
          p99Ms: p99,
          maxMs: percentile(visible, 100),
          ackP50Ms: percentile(acked, 50),
          ackP99Ms: percentile(acked, 99),
          sentPerSecond: round((warmup + count) / posted.sendSeconds),
          warmupMessages: warmup,
          errors: errors.length ? errors.join(',') : 0,
          unanswered: posted.unanswered,
          unseen,
          edgeCpuPercent: round((100 * window.cpuMs) / 1000 / window.seconds),
          edgeLoopDelayP99Ms: round(window.loopDelayP99Ms, 1),
          load1mBefore,
          load1mAfter,
        },
      },
      baseline: null,
      target: {
        description: `history visible p99 < ${HISTORY_P99_TARGET_MS} ms`,
        below: HISTORY_P99_TARGET_MS,
      },
    };
  } finally {
    await clients.close();
    await edge.close();
  }
}

/** When the checkpoint was first seen at or past `seq` (the timeline only moves forward). */
function visibleAt(timeline: Timeline, seq: number): number | undefined {
  let lo = 0;
  let hi = timeline.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((timeline[mid] as [number, number])[1] >= seq) hi = mid;
    else lo = mid + 1;
  }
  return timeline[lo]?.[0];
}
