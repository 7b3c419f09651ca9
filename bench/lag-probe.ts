// Diagnostic (not a figure): POST /messages at a fixed rate, with the hub's event-loop delay
// and the time spent in app.fetch and in the JetStream publish.
import { monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';
import { startBenchHub } from './bench-hub.ts';
import { openContext } from './context.ts';
import { paced, signedInWithHistory } from './http-paths.ts';

const rate = Number(process.argv[2] ?? 300);
const ctx = await openContext();
const split = process.argv.includes('--split');
const { hub, server, base, origin, cpu, stop } = await startBenchHub(ctx, 'lag', undefined, {}, { split });
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
  const cpu1 = await cpu();
  const elu = performance.eventLoopUtilization(elu0);
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  console.log(
    JSON.stringify({
      load,
      cpuUsPerReq: [
        Math.round((cpu1.edge - cpu0.edge) / load.total),
        Math.round((cpu1.projectors - cpu0.projectors) / load.total),
      ],
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
