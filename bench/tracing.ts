// Figure: what tracing costs. POST /api/v1/messages at 64 connections on one hub, in rounds
// that take turns: tracing off (no provider: the api's no-op tracer), then on (a provider
// registered, every span made and handed, through the batch processor a configured exporter
// gets, to an exporter that drops it), and so on. Each
// round starts with the read models caught up, so no round pays for the one before.
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { startTracing } from '../edge/boot/tracing.ts';
import { loadSettings } from '../edge/config.ts';
import { createLogger } from '../edge/logger.ts';
import { startBenchHub } from './bench-hub.ts';
import type { BenchContext } from './context.ts';
import { caughtUp, checked, generate, type Load, signedInWithHistory } from './http-paths.ts';
import { round } from './lanes.ts';
import type { FigureResult, Measurement } from './types.ts';

/** Spans counted and dropped: the cost of making them, none of sending them. */
export function droppingExporter(): SpanExporter & { spans: number } {
  const exporter = {
    spans: 0,
    export: (spans: ReadableSpan[], done: (result: { code: ExportResultCode }) => void) => {
      exporter.spans += spans.length;
      done({ code: ExportResultCode.SUCCESS });
    },
    shutdown: async () => undefined,
  };
  return exporter;
}

export async function measureTracing({
  ctx,
  seconds,
  rounds = 2,
  connections = 64,
  step,
}: {
  ctx: BenchContext;
  seconds: number;
  rounds?: number;
  connections?: number;
  step: (text: string) => void;
}): Promise<FigureResult> {
  const { hub, base, origin, stop } = await startBenchHub(ctx, 'tracing');
  const logger = createLogger({ level: 'warn', destination: '/dev/null' });
  const exporter = droppingExporter();
  try {
    const headers = await signedInWithHistory(base, origin);
    const body = JSON.stringify({ channel: 'family', content: 'Dinner is ready' });
    const totals = { off: [] as Load[], on: [] as Load[] };
    for (let i = 0; i < rounds; i++) {
      for (const mode of ['off', 'on'] as const) {
        await caughtUp(hub);
        step(`tracing: POST /api/v1/messages, tracing ${mode}, round ${i + 1} of ${rounds}, ${seconds} s`);
        const tracing =
          mode === 'on'
            ? startTracing({ settings: loadSettings({}).tracing, exporter, batched: true, logger })
            : undefined;
        try {
          const url = `${base}/api/v1/messages`;
          const load = await generate({ url, connections, duration: seconds, method: 'POST', headers, body });
          totals[mode].push(checked(`POST /api/v1/messages, tracing ${mode}`, load));
        } finally {
          // The backlog the round left is applied before tracing goes off, so its spans count.
          if (tracing) {
            await caughtUp(hub);
            await tracing.shutdown();
          }
        }
      }
    }
    const measured = (label: string, loads: Load[], extra: Record<string, number> = {}): Measurement => {
      const total = loads.reduce((n, l) => n + l.total, 0);
      const time = loads.reduce((n, l) => n + l.seconds, 0);
      return {
        label,
        unit: 'requests/s',
        value: round(total / time),
        count: total,
        seconds: round(time, 2),
        details: {
          p50Ms: Math.max(...loads.map((l) => l.p50Ms)),
          p99Ms: Math.max(...loads.map((l) => l.p99Ms)),
          ...extra,
        },
      };
    };
    const on = measured('POST /api/v1/messages, tracing on (spans dropped)', totals.on, {
      spansPerRequest: round(
        exporter.spans /
          Math.max(
            1,
            totals.on.reduce((n, l) => n + l.total, 0),
          ),
        1,
      ),
    });
    return {
      id: 'tracing',
      title: `What tracing costs: POST /api/v1/messages, ${connections} connections, rounds taking turns`,
      figure: on,
      baseline: measured('tracing off (no provider), same run', totals.off),
      target: { description: 'under 5% slower than off (≥ 0.95×)', minRatio: 0.95 },
    };
  } finally {
    await stop();
  }
}
