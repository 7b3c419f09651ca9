// Figure: how long a session answered from memory outlives a ban. Two edges of one hub (one
// namespace, one database); each member's session is warm in the second edge's memory, the
// admin bans them on the first, and the member then asks the second edge again and again until
// it refuses. The time from the ban's answer to that refusal bounds the time the event takes to
// reach the other edge (plus one request); how many requests were still served after the ban's
// answer says whether it ever arrived later than the answer. Beside it, in the same run, the floor: a core NATS
// message from one connection to another.
import { performance } from 'node:perf_hooks';
import { connectNats } from '../writers/log/connect.ts';
import { startBenchHub } from './bench-hub.ts';
import type { BenchContext } from './context.ts';
import { inviteTokens, signUp } from './invites.ts';
import { percentile, round } from './lanes.ts';
import type { FigureResult } from './types.ts';

/** Milliseconds from publishing on one connection to receiving on another, `count` times. */
async function natsFloor(ctx: BenchContext, count: number): Promise<number[]> {
  const a = await connectNats({ servers: ctx.natsUrl, name: `bench-${ctx.runId}-a` });
  const b = await connectNats({ servers: ctx.natsUrl, name: `bench-${ctx.runId}-b` });
  try {
    const subject = `bench.${ctx.runId}.floor`;
    const out: number[] = [];
    let arrived = () => {};
    b.subscribe(subject, { callback: () => arrived() });
    await b.flush();
    for (let i = 0; i < count; i++) {
      const got = new Promise<void>((r) => {
        arrived = r;
      });
      const t0 = performance.now();
      a.publish(subject, 'x');
      await got;
      out.push(performance.now() - t0);
    }
    return out;
  } finally {
    await a.close();
    await b.close();
  }
}

export async function measureBanToEdge({
  ctx,
  members = 40,
}: {
  ctx: BenchContext;
  members?: number;
}): Promise<FigureResult> {
  const one = await startBenchHub(ctx, 'ban');
  const two = await startBenchHub(ctx, 'ban', one.databaseUrl);
  try {
    const admin = await signUp(one.base, one.origin, 'admin@bench.test');
    const tokens = await inviteTokens({ base: one.base, origin: one.origin, cookie: admin, count: members });
    const latencies: number[] = [];
    let polls = 0;
    for (let i = 0; i < members; i++) {
      const cookie = await signUp(two.base, two.origin, `member${i}@bench.test`, tokens[i]);
      const me = () => fetch(`${two.base}/api/v1/me`, { headers: { cookie } });
      // Twice: the second answer comes from the second edge's memory.
      let id = '';
      for (let k = 0; k < 2; k++) {
        const res = await me();
        if (res.status !== 200) throw new Error(`member ${i}: ${res.status}`);
        id = ((await res.json()) as { id: string }).id;
      }
      const ban = await fetch(`${one.base}/api/v1/admin/users/${id}/ban`, {
        method: 'POST',
        headers: { cookie: admin, origin: one.origin, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'bench' }),
      });
      await ban.arrayBuffer();
      if (!ban.ok) throw new Error(`ban ${i}: ${ban.status}`);
      const answered = performance.now();
      for (;;) {
        polls++;
        const res = await me();
        await res.arrayBuffer();
        if (res.status === 401 || res.status === 403) break;
        if (performance.now() - answered > 5000)
          throw new Error(`member ${i} still served 5 s after the ban`);
      }
      latencies.push(performance.now() - answered);
    }
    const floor = await natsFloor(ctx, 200);
    const ms = (xs: number[], p: number) => round(percentile(xs, p), 2);
    return {
      id: 'ban-to-edge',
      title: 'Ban on one edge → refused by the other (a session cached there)',
      figure: {
        label: 'ban answered → next request refused on the other edge, p99',
        unit: 'ms',
        value: ms(latencies, 99),
        count: members,
        seconds: round(latencies.reduce((a, b) => a + b, 0) / 1000, 2),
        details: {
          p50Ms: ms(latencies, 50),
          maxMs: round(Math.max(...latencies), 2),
          // Answered from memory after the ban was: 0 means the event always arrived first.
          servedAfterBan: polls - members,
        },
      },
      baseline: {
        label: 'core NATS message, one connection to another, p99',
        unit: 'ms',
        value: ms(floor, 99),
        count: floor.length,
        seconds: round(floor.reduce((a, b) => a + b, 0) / 1000, 3),
        details: { p50Ms: ms(floor, 50) },
      },
      target: { description: 'p99 < 1000 ms', below: 1000 },
    };
  } finally {
    await two.stop();
    await one.stop();
  }
}
