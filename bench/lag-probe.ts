// Diagnostic, not a figure: `npx tsx bench/lag-probe.ts [rate] [--split]` posts messages at a
// fixed rate for 10 s and prints where a post's time and work go: the hub's CPU per post (edge,
// and projectors when split), event-loop delay and utilisation, GC pauses by kind, time in
// the hub (request to finish) and in the JetStream publish, and the counts that do not
// depend on how busy the machine is: Postgres commits and NATS messages per post.

import { monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';
import pg from 'pg';
import { startBenchHub } from './bench-hub.ts';
import { openContext } from './context.ts';
import { paced, signedInWithHistory } from './http-paths.ts';

const rate = Number(process.argv[2] ?? 300);
const ctx = await openContext();
const split = process.argv.includes('--split');
const { hub, server, base, origin, cpu, stop, databaseUrl } = await startBenchHub(
  ctx,
  'lag',
  undefined,
  {},
  { split },
);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0) * 100) / 100;
};
try {
  const headers = await signedInWithHistory(base, origin);
  const fetchMs: number[] = [];
  const pubMs: number[] = [];
  const js = hub.deps.log.js as unknown as { publish: (...a: unknown[]) => Promise<unknown> };
  const publish = js.publish.bind(js);
  js.publish = async (...a: unknown[]) => {
    const t = performance.now();
    try {
      return await publish(...a);
    } finally {
      pubMs.push(performance.now() - t);
    }
  };
  server.on('request', (_req, res) => {
    const t = performance.now();
    res.once('finish', () => fetchMs.push(performance.now() - t));
  });
  const gcs = new Map<number, number[]>();
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail: { kind: number } }).detail.kind;
      gcs.set(kind, [...(gcs.get(kind) ?? []), e.duration]);
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  const dbName = new URL(databaseUrl).pathname.slice(1);
  const stats = new pg.Client({ connectionString: databaseUrl });
  await stats.connect();
  // Commits in the hub's database (better-auth's included): one backend's figures reach the
  // view within a second of its going idle.
  const commits = async () => {
    await new Promise((r) => setTimeout(r, 1500));
    const { rows } = await stats.query<{ n: string }>(
      'SELECT xact_commit AS n FROM pg_stat_database WHERE datname = $1',
      [dbName],
    );
    return Number(rows[0]?.n ?? 0);
  };
  const caughtUp = async () => {
    for (;;) {
      if ((await hub.deps.projectors.status()).every((p) => p.lag === 0)) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  await caughtUp();
  const commits0 = await commits();
  const nats0 = hub.deps.log.nc.stats();
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const cpu0 = await cpu();
  const elu0 = performance.eventLoopUtilization();
  const load = await paced({
    url: `${base}/api/v1/messages`,
    rate,
    duration: 10,
    connections: 64,
    method: 'POST',
    headers,
    body: JSON.stringify({ channel: 'family', content: 'Dinner is ready' }),
  });
  h.disable();
  await caughtUp();
  const cpu1 = await cpu();
  const nats1 = hub.deps.log.nc.stats();
  const commits1 = await commits();
  await stats.end();
  const elu = performance.eventLoopUtilization(elu0);
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  console.log(
    JSON.stringify({
      load,
      cpuUsPerReq: [
        Math.round((cpu1.edge - cpu0.edge) / load.total),
        Math.round((cpu1.projectors - cpu0.projectors) / load.total),
      ],
      perRequest: {
        commits: Math.round(((commits1 - commits0) / load.total) * 10) / 10,
        natsIn: Math.round(((nats1.inMsgs - nats0.inMsgs) / load.total) * 10) / 10,
        natsOut: Math.round(((nats1.outMsgs - nats0.outMsgs) / load.total) * 10) / 10,
      },
      elu: Math.round(elu.utilization * 100) / 100,
      loopDelay: { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean) },
      fetch: { p50: pct(fetchMs, 50), p99: pct(fetchMs, 99) },
      gc: Object.fromEntries(
        [...gcs].map(([k, d]) => [
          k,
          {
            n: d.length,
            total: Math.round(d.reduce((a, b) => a + b, 0)),
            max: Math.round(Math.max(...d) * 10) / 10,
          },
        ]),
      ),
      publish: { n: pubMs.length, p50: pct(pubMs, 50), p99: pct(pubMs, 99) },
    }),
  );
} finally {
  await stop();
  await ctx.cleanup();
}
