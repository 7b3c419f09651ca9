// Figures: how soon a hub works again once its NATS server is back. A hub on a nats-server of
// the bench's own, killed with SIGKILL while a client keeps sending commands and a probe keeps
// asking /ready; started again on its store and port. From the moment the server accepts
// connections: to the first command answered, and to /ready answering 200. Beside them, in the
// same rounds, the floor: from the same moment to the hub's NATS client's own `reconnect`
// (every quarter second, see writers/log/connect.ts). Everything past the floor is the hub's
// own recovery. How long the commands refused meanwhile took to be answered (503) is told
// beside them.
import { performance } from 'node:perf_hooks';
import type { NatsConnection } from '@nats-io/transport-node';
import { type PrivateNats, startPrivateNats } from '../test/private-nats.ts';
import { startBenchHub } from './bench-hub.ts';
import type { BenchContext } from './context.ts';
import { percentile, round } from './lanes.ts';
import type { FigureResult, Measurement } from './types.ts';

const PASSWORD = 'bench password 123';
/** How long the server stays away each round: long enough for every client to notice. */
const OUTAGE_MS = 1000;
/** A command or a /ready probe every this many ms, each from its own loop. */
const PROBE_EVERY_MS = 5;

type Round = { reconnect: number; command: number; ready: number };

export async function measureNatsRestart({
  ctx,
  rounds,
  step,
}: {
  ctx: BenchContext;
  rounds: number;
  step: (text: string) => void;
}): Promise<FigureResult[]> {
  const nats = await startPrivateNats();
  const hub = await startBenchHub({ ...ctx, natsUrl: nats.url }, 'restart');
  const floor = hub.hub.deps.log.nc;
  try {
    const cookie = await signUp(hub.base, hub.origin);
    // Milliseconds to each 503: the outage's answers.
    const refused: number[] = [];
    const command = async () => {
      const t0 = performance.now();
      const res = await fetch(`${hub.base}/api/v1/messages`, {
        method: 'POST',
        headers: { cookie, origin: hub.origin, 'content-type': 'application/json' },
        body: JSON.stringify({ channel: 'family', content: 'still here?' }),
      });
      await res.arrayBuffer();
      if (res.status === 503) refused.push(performance.now() - t0);
      return res.status === 201;
    };
    const ready = async () => {
      const res = await fetch(`${hub.base}/ready`);
      await res.arrayBuffer();
      return res.status === 200;
    };
    // The family channel has its first member once its reactor has run.
    await until(command, 30_000, 'a first command');
    await until(ready, 30_000, 'the hub ready');
    refused.length = 0;

    const results: Round[] = [];
    for (let r = 0; r < rounds; r++) {
      step(`NATS restart, round ${r + 1} of ${rounds}`);
      results.push(await restartOnce({ nats, floor, command, ready }));
    }
    const of = (pick: (r: Round) => number) => results.map(pick);
    // The hub's own part, round by round: past its connection's reconnect.
    const past = (pick: (r: Round) => number) =>
      round(
        percentile(
          of((r) => pick(r) - r.reconnect),
          50,
        ),
        1,
      );
    const commandFigure = measurement(
      'server accepting → first command answered 201, p50',
      of((r) => r.command),
    );
    commandFigure.details = {
      ...commandFigure.details,
      pastReconnectP50Ms: past((r) => r.command),
      refusedWhileAway: refused.length,
      refusedP50Ms: round(percentile(refused, 50), 1),
      refusedMaxMs: round(Math.max(0, ...refused), 1),
    };
    const readyFigure = measurement(
      'server accepting → /ready answered 200, p50',
      of((r) => r.ready),
    );
    readyFigure.details = { ...readyFigure.details, pastReconnectP50Ms: past((r) => r.ready) };
    const floorMeasurement = measurement(
      "the hub's NATS client: server accepting → its reconnect, p50",
      of((r) => r.reconnect),
    );
    return [
      {
        id: 'nats-restart-command',
        title: 'NATS restarted → first command answered',
        figure: commandFigure,
        baseline: floorMeasurement,
        target: { description: 'p50 < 1000 ms', below: 1000 },
      },
      {
        id: 'nats-restart-ready',
        title: 'NATS restarted → /ready 200',
        figure: readyFigure,
        baseline: floorMeasurement,
        target: { description: 'p50 < 1000 ms', below: 1000 },
      },
    ];
  } finally {
    await hub.stop();
    await nats.cleanup();
  }
}

/** One outage: kill, wait, start, then time the floor's reconnect and the hub's first success of each kind. */
async function restartOnce({
  nats,
  floor,
  command,
  ready,
}: {
  nats: PrivateNats;
  floor: NatsConnection;
  command: () => Promise<boolean>;
  ready: () => Promise<boolean>;
}): Promise<Round> {
  const reconnected = nextReconnect(floor);
  await nats.kill();
  let back = Number.POSITIVE_INFINITY;
  // Both loops run through the outage, so neither waits for a probe sent while it was away.
  const firstCommand = firstSuccess(command, () => back);
  const firstReady = firstSuccess(ready, () => back);
  await sleep(OUTAGE_MS);
  await nats.start();
  back = performance.now();
  const [reconnect, commandAt, readyAt] = await Promise.all([reconnected, firstCommand, firstReady]);
  return { reconnect: reconnect - back, command: commandAt - back, ready: readyAt - back };
}

/** When the probe first succeeds after `since()` (a success before it does not count). */
async function firstSuccess(probe: () => Promise<boolean>, since: () => number): Promise<number> {
  const deadline = performance.now() + 60_000;
  for (;;) {
    const asked = performance.now();
    const ok = await probe().catch(() => false);
    if (ok && asked >= since()) return performance.now();
    if (performance.now() > deadline) throw new Error('no success within 60 s of the restart');
    await sleep(PROBE_EVERY_MS);
  }
}

function nextReconnect(nc: NatsConnection): Promise<number> {
  return (async () => {
    for await (const s of nc.status()) if (s.type === 'reconnect') return performance.now();
    throw new Error('the floor connection closed');
  })();
}

function measurement(label: string, samples: number[]): Measurement {
  return {
    label,
    unit: 'ms',
    value: round(percentile(samples, 50), 1),
    count: samples.length,
    seconds: round(samples.reduce((a, b) => a + b, 0) / 1000, 2),
    details: {
      minMs: round(Math.min(...samples), 1),
      maxMs: round(Math.max(...samples), 1),
    },
  };
}

async function signUp(base: string, origin: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'restart@bench.test', password: PASSWORD, name: 'restart' }),
  });
  if (res.status !== 200) throw new Error(`sign-up: ${res.status} ${await res.text()}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

async function until(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
