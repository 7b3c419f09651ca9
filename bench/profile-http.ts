// `npx tsx bench/profile-http.ts [--cpu] [--alloc] [--rate=N] [--split] [--tracing] [me|history|post|health …]`: where the hub's CPU
// (or, with --alloc, its memory allocated: what the collector must sweep) goes on each
// signed-in HTTP path. The same bench hub and load generator as the HTTP figures; the V8 profiler
// runs only while the load does, and the table shows self time by function and by package. Each
// profile is written to bench/profiles/<path>.cpuprofile for Chrome's DevTools (Performance tab).
// --tracing: each path twice, tracing off and then on (spans made and dropped, as the tracing
// figure does), each run counting the CPU until the read models have caught up.
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { startTracing } from '../edge/boot/tracing.ts';
import type { Tracing } from '../edge/boot/tracing-settings.ts';
import { loadSettings } from '../edge/config.ts';
import { createLogger } from '../edge/logger.ts';
import { startBenchHub } from './bench-hub.ts';
import { openContext } from './context.ts';
import { caughtUp, generate, paced, signedInWithHistory } from './http-paths.ts';
import { droppingExporter } from './tracing.ts';

type Node = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] };
type HeapNode = { callFrame: Node['callFrame']; selfSize: number; children: HeapNode[] };

const PATHS = {
  health: { path: '/health' },
  me: { path: '/api/v1/me' },
  history: { path: '/api/v1/messages?channel=family&limit=50' },
  post: {
    path: '/api/v1/messages',
    method: 'POST' as const,
    body: JSON.stringify({ channel: 'family', content: 'Dinner is ready' }),
  },
};
type PathName = keyof typeof PATHS;

/** Where a frame's code lives: a package, node's own, or a file of the project. */
function owner(url: string): string {
  if (url === '') return '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  if (url.startsWith('node:')) return 'node';
  const ours = /\/((?:edge|writers|projectors|contracts)\/.*)$/.exec(url);
  return ours?.[1] ?? url;
}

function summarise(profile: Profile, top: number) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (const [i, id] of profile.samples.entries())
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0) || 1;
  const fns = new Map<string, number>();
  const owners = new Map<string, number>();
  for (const [id, us] of self) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const where = owner(frame.url);
    const fn = `${frame.functionName || '(anonymous)'} ${where}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    fns.set(fn, (fns.get(fn) ?? 0) + us);
    owners.set(where, (owners.get(where) ?? 0) + us);
  }
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`)
      .join('\n');
  return `by package:\n${rows(owners)}\nby function:\n${rows(fns)}`;
}

/** The sampled allocations by function and package, with the bytes a request allocates in all. */
function summariseHeap(head: HeapNode, requests: number, top: number) {
  const fns = new Map<string, number>();
  const owners = new Map<string, number>();
  let total = 0;
  const walk = (n: HeapNode) => {
    const frame = n.callFrame;
    const where = owner(frame.url);
    const fn = `${frame.functionName || '(anonymous)'} ${where}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    fns.set(fn, (fns.get(fn) ?? 0) + n.selfSize);
    owners.set(where, (owners.get(where) ?? 0) + n.selfSize);
    total += n.selfSize;
    for (const c of n.children) walk(c);
  };
  walk(head);
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, bytes]) => `  ${String(Math.round(bytes / Math.max(1, requests))).padStart(8)} B  ${k}`)
      .join('\n');
  return `allocated ≈ ${Math.round(total / Math.max(1, requests))} B a request\nby package:\n${rows(owners)}\nby function:\n${rows(fns)}`;
}

async function main() {
  const args = process.argv.slice(2);
  // --cpu: the CPU each request costs the hub, without the profiler's own overhead.
  const alloc = args.includes('--alloc');
  const profiling = !args.includes('--cpu') && !alloc;
  // --rate=N: N requests a second, evenly spaced, instead of as many as 64 connections take;
  // the CPU a request costs then depends less on how busy the machine is.
  const rate = Number(args.find((a) => a.startsWith('--rate='))?.slice('--rate='.length) ?? 0);
  // --split: the production shape, an edge here and the projectors in a process of their own.
  const split = args.includes('--split');
  // --simple-spans: with --tracing, a simple span processor (an export per span) as tests use.
  const simpleSpans = args.includes('--simple-spans');
  const tracing = args.includes('--tracing') || simpleSpans;
  const names = args.filter((a) => !a.startsWith('--'));
  const wanted = (names.length ? names : Object.keys(PATHS)) as PathName[];
  const ctx = await openContext();
  const { hub, base, origin, cpu, stop } = await startBenchHub(ctx, 'profile', undefined, {}, { split });
  const exporter = droppingExporter();
  // Spans by name, to see which part of the trace a request's spans come from.
  const spanNames = new Map<string, number>();
  const drop = exporter.export;
  exporter.export = (spans, done) => {
    for (const s of spans) spanNames.set(s.name, (spanNames.get(s.name) ?? 0) + 1);
    drop(spans, done);
  };
  const traceLogger = createLogger({ level: 'warn', destination: '/dev/null' });
  const session = new Session();
  session.connect();
  await mkdir(new URL('./profiles/', import.meta.url), { recursive: true });
  try {
    const headers = await signedInWithHistory(base, origin);
    await session.post('Profiler.enable');
    if (alloc) await session.post('HeapProfiler.enable');
    const runs = wanted.flatMap((name) =>
      tracing
        ? [
            { name, traced: false },
            { name, traced: true },
          ]
        : [{ name, traced: false }],
    );
    for (const { name, traced } of runs) {
      const { path, ...extra } = PATHS[name];
      const label = tracing ? `${name}, tracing ${traced ? 'on' : 'off'}` : name;
      if (tracing) await caughtUp(hub);
      const spansBefore = exporter.spans;
      const on: Tracing | undefined = traced
        ? startTracing({
            settings: loadSettings({}).tracing,
            exporter,
            batched: !simpleSpans,
            logger: traceLogger,
          })
        : undefined;
      if (profiling) await session.post('Profiler.start');
      // Every allocation sampled, also those the collector has swept since (the per-request garbage).
      if (alloc)
        await session.post('HeapProfiler.startSampling', {
          samplingInterval: 4096,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        } as never);
      const before = await cpu();
      const options = { url: `${base}${path}`, connections: 64, duration: 10, headers, ...extra };
      const load = rate > 0 ? await paced({ ...options, rate }) : await generate(options);
      // The backlog the load left counts too: with tracing on, its spans are part of the cost.
      if (tracing) await caughtUp(hub);
      await on?.shutdown();
      const spans = traced
        ? `, ${((exporter.spans - spansBefore) / Math.max(1, load.total)).toFixed(1)} spans a request (${[
            ...spanNames.entries(),
          ]
            .sort((a, b) => b[1] - a[1])
            .map(([n, c]) => `${n} ${(c / Math.max(1, load.total)).toFixed(2)}`)
            .join(', ')})`
        : '';
      spanNames.clear();
      // The hub's own CPU per request (user + system, all its threads): steadier than requests/s
      // on a shared machine, since it does not count what other processes take.
      const after = await cpu();
      const per = (us: number) => Math.round(us / Math.max(1, load.total));
      const perRequest = split
        ? `${per(after.edge - before.edge)} µs (edge) + ${per(after.projectors - before.projectors)} µs (projectors)`
        : `${per(after.edge - before.edge)} µs`;
      process.stdout.write(
        `\n== ${label}: ${Math.round(load.rps)} requests/s, p50 ${load.p50Ms} ms, p99 ${load.p99Ms} ms` +
          ` (${load.non2xx} not 2xx, ${load.errors} errors), hub CPU ${perRequest} a request${spans}\n`,
      );
      if (alloc) {
        const { profile } = await session.post('HeapProfiler.stopSampling');
        process.stdout.write(`${summariseHeap((profile as { head: HeapNode }).head, load.total, 25)}\n`);
      }
      if (!profiling) continue;
      const { profile } = await session.post('Profiler.stop');
      await writeFile(
        new URL(`./profiles/${name}${traced ? '-traced' : ''}.cpuprofile`, import.meta.url),
        JSON.stringify(profile),
      );
      process.stdout.write(`${summarise(profile as Profile, 25)}\n`);
    }
  } finally {
    session.disconnect();
    await stop();
    await ctx.cleanup();
  }
}

await main();
