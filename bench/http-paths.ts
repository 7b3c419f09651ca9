// Figures: the signed-in HTTP paths beside GET /health, the framework's ceiling here, in the
// same run. A real hub on an ephemeral port in this process; the load comes from autocannon in
// another process (bench/load-generator.ts), 64 connections for 10 s each, so the generator
// takes none of the hub's CPU. One more figure posts messages at a fixed 500/s, evenly spaced
// (bench/paced-generator.ts), and bounds their p99. The POST figures are taken twice: all in
// one process, and split as production runs it (an edge here, the read models, reactors and
// chainer in a process of their own).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type autocannon from 'autocannon';
import type { Hub } from '../edge/hub.ts';
import { startBenchHub } from './bench-hub.ts';
import type { BenchContext } from './context.ts';
import { round } from './lanes.ts';
import type { PacedOptions } from './paced-generator.ts';
import type { FigureResult, Measurement } from './types.ts';

const GENERATOR = fileURLToPath(new URL('./load-generator.ts', import.meta.url));
const PACED = fileURLToPath(new URL('./paced-generator.ts', import.meta.url));

export type Load = {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  non2xx: number;
  errors: number;
  seconds: number;
};

/** Runs a generator script in a process of its own; it prints one JSON line. */
export function inChild<T>(script: string, options: object): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited with ${code}`));
      resolve(JSON.parse(out) as T);
    });
  });
}

/** As many requests as `connections` keep-alive connections take: autocannon. */
export async function generate(options: autocannon.Options): Promise<Load> {
  const r = await inChild<autocannon.Result>(GENERATOR, options);
  return {
    rps: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    total: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    seconds: r.duration,
  };
}

/** Requests at evenly spaced times, `rate` a second: bench/paced-generator.ts. */
export const paced = (options: PacedOptions): Promise<Load> => inChild<Load>(PACED, options);

/** Resolves once every read model and reactor has applied all of its stream. */
export async function caughtUp(hub: Hub, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const behind = (await hub.deps.projectors.status()).filter((p) => p.lag > 0);
    if (behind.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`read models still behind: ${behind.map((p) => `${p.name} ${p.lag}`).join(', ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A figure is only what the hub answered well: an error or a refusal voids it. */
export function checked(label: string, load: Load): Load {
  if (load.non2xx > 0 || load.errors > 0)
    throw new Error(`${label}: ${load.non2xx} answers that were not 2xx and ${load.errors} errors`);
  return load;
}

const measurement = (label: string, load: Load): Measurement => ({
  label,
  unit: 'requests/s',
  value: round(load.rps),
  count: load.total,
  seconds: round(load.seconds, 2),
  details: { p50Ms: load.p50Ms, p99Ms: load.p99Ms, non2xx: load.non2xx, errors: load.errors },
});

/** Signs up the first account and posts a history of 60 messages to page through; the family
 * channel takes the first account in once chat's reactor has seen it. Answers the headers to send. */
export async function signedInWithHistory(base: string, origin: string): Promise<Record<string, string>> {
  const signed = await fetch(`${base}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'ana@bench.test', password: 'bench password 123', name: 'Ana' }),
  });
  if (signed.status !== 200) throw new Error(`sign-up: ${signed.status} ${await signed.text()}`);
  const cookie = signed.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const headers = { cookie, origin, 'content-type': 'application/json' };
  for (let i = 0; i < 60; i++) {
    for (let attempt = 0; ; attempt++) {
      if (attempt === 50) throw new Error('the family channel never took the first account');
      const res = await fetch(`${base}/api/v1/messages`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ channel: 'family', content: `warm-up ${i}` }),
      });
      await res.arrayBuffer();
      if (res.ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return headers;
}

export async function measureHttpPaths({
  ctx,
  connections = 64,
  seconds = 10,
  fixedRate = 500,
  step,
}: {
  ctx: BenchContext;
  connections?: number;
  seconds?: number;
  fixedRate?: number;
  step: (text: string) => void;
}): Promise<FigureResult[]> {
  const options = { ctx, connections, seconds, fixedRate, step };
  return [
    ...(await measureShape({ ...options, split: false })),
    // Production's shape: the same POST figures on an edge whose read models, reactors and
    // chainer run in a process of their own (HEARTH_ROLE=edge beside HEARTH_ROLE=projectors).
    ...(await measureShape({ ...options, split: true })),
  ];
}

/** One hub's figures: all in one process (every path), or split into edge and projectors (the POSTs). */
async function measureShape({
  ctx,
  connections,
  seconds,
  fixedRate,
  step,
  split,
}: {
  ctx: BenchContext;
  connections: number;
  seconds: number;
  fixedRate: number;
  step: (text: string) => void;
  split: boolean;
}): Promise<FigureResult[]> {
  const shape = split ? 'edge + projectors processes' : 'all in one process';
  const say = (text: string) => step(`HTTP paths (${shape}): ${text}`);
  const { hub, base, origin, stop } = await startBenchHub(
    ctx,
    split ? 'split' : 'paths',
    undefined,
    {},
    { split },
  );
  try {
    const headers = await signedInWithHistory(base, origin);
    const run = async (path: string, extra: Partial<autocannon.Options> = {}) =>
      checked(
        `${extra.method ?? 'GET'} ${path}`,
        await generate({ url: `${base}${path}`, connections, duration: seconds, headers, ...extra }),
      );

    say(`GET /health, ${connections} connections, ${seconds} s`);
    const health = await run('/health');
    const beside = (
      id: string,
      title: string,
      label: string,
      load: Load,
      minRatio: number,
    ): FigureResult => ({
      id,
      title,
      figure: measurement(label, load),
      baseline: measurement('GET /health, same run', health),
      target: { description: `≥ ${minRatio}× /health`, minRatio },
    });
    const figures: FigureResult[] = [];
    if (!split) {
      say('GET /api/v1/me');
      const me = await run('/api/v1/me');
      say('GET /api/v1/messages?channel=family&limit=50');
      const history = await run('/api/v1/messages?channel=family&limit=50');
      figures.push(
        beside('http-me', 'GET /api/v1/me (session only), 64 connections', 'GET /api/v1/me', me, 0.5),
        beside('http-history', 'GET /api/v1/messages, 50 a page', 'GET /api/v1/messages', history, 0.3),
      );
    }
    say('POST /api/v1/messages');
    const body = JSON.stringify({ channel: 'family', content: 'Dinner is ready' });
    const post = await run('/api/v1/messages', { method: 'POST', body });
    // The saturating run leaves the read models a backlog; the fixed rate is the steady state.
    say('read models catching up');
    await caughtUp(hub);
    say(`POST /api/v1/messages at a fixed ${fixedRate}/s`);
    const fixed = checked(
      `POST /api/v1/messages at ${fixedRate}/s`,
      await paced({
        url: `${base}/api/v1/messages`,
        rate: fixedRate,
        duration: seconds,
        connections,
        method: 'POST',
        headers,
        body,
      }),
    );
    const suffix = split ? '-split' : '';
    const of = split ? ', edge and projectors in two processes' : '';
    figures.push(
      beside(
        `http-post${suffix}`,
        `POST /api/v1/messages, 64 connections${of}`,
        'POST /api/v1/messages',
        post,
        0.25,
      ),
      {
        id: `http-post-fixed${suffix}`,
        title: `POST /api/v1/messages p99 at a fixed ${fixedRate}/s${of}`,
        figure: {
          label: `POST /api/v1/messages at ${fixedRate}/s`,
          unit: 'ms',
          value: fixed.p99Ms,
          count: fixed.total,
          seconds: round(fixed.seconds, 2),
          details: { p50Ms: fixed.p50Ms, rps: round(fixed.rps), non2xx: fixed.non2xx, errors: fixed.errors },
        },
        baseline: null,
        target: { description: 'p99 < 50 ms', below: 50 },
        // A hub too slow to take the rate would show a flattering p99 for fewer requests.
        ...(fixed.rps < 0.95 * fixedRate && {
          pending: `took only ${round(fixed.rps)} of ${fixedRate} requests/s (p99 ${fixed.p99Ms} ms)`,
        }),
      },
    );
    return figures;
  } finally {
    await stop();
  }
}
