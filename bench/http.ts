// Figure: an HTTP command that waits for a read model, throughput and p50/p99 latency at 64
// concurrent clients. A real hub on an ephemeral port; each client flips the role of its own
// family member (no contention), and every answer includes identity_access applying the
// decision, as a family's admin would see it.
import { performance } from 'node:perf_hooks';
import { startBenchHub } from './bench-hub.ts';
import type { BenchContext } from './context.ts';
import { inviteTokens, signUp } from './invites.ts';
import { inLanes, percentile, round } from './lanes.ts';
import type { FigureResult } from './types.ts';

export async function measureHttp({
  ctx,
  clients,
  requests = 3000,
}: {
  ctx: BenchContext;
  clients: number;
  requests?: number;
}): Promise<FigureResult> {
  // The same namespace ctx.names('http') uses, so the run's cleanup removes these streams too.
  const { base, origin, stop } = await startBenchHub(ctx, 'http');
  try {
    const admin = await signUp(base, origin, 'admin@bench.test');
    const tokens = await inviteTokens({ base, origin, cookie: admin, count: clients });
    const members: string[] = [];
    for (let i = 0; i < clients; i++) {
      const cookie = await signUp(base, origin, `member${i}@bench.test`, tokens[i]);
      const me = (await (await fetch(`${base}/api/v1/me`, { headers: { cookie } })).json()) as { id: string };
      members.push(me.id);
    }
    const latencies: number[] = [];
    let failures = 0;
    const started = performance.now();
    await inLanes(requests, clients, async (i) => {
      const target = members[i % clients] as string;
      const t0 = performance.now();
      const res = await fetch(`${base}/api/v1/admin/users/${target}/role`, {
        method: 'POST',
        headers: { cookie: admin, origin, 'content-type': 'application/json' },
        body: JSON.stringify({ role: Math.floor(i / clients) % 2 === 0 ? 'child' : 'member' }),
      });
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (res.status !== 200) failures++;
    });
    const seconds = (performance.now() - started) / 1000;
    return {
      id: 'http',
      title: `HTTP command that waits for a read model (a role change), ${clients} clients`,
      figure: {
        label: 'POST /admin/users/:id/role, answered after identity_access applied it',
        unit: 'commands/s',
        value: round(requests / seconds),
        count: requests,
        seconds: round(seconds, 2),
        details: { p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), failures },
      },
      baseline: null,
    };
  } finally {
    await stop();
  }
}
