// npm run bench: every figure beside its baseline, measured in the same run on this machine.
// Not a test: it takes minutes and its numbers depend on the host. BENCH_SCALE=0.1 for a dry run.
import { loadavg } from 'node:os';
import { measureAssistant } from './assistant.ts';
import { measureAuditLog } from './audit-log.ts';
import { measureAuditVerify } from './audit-verify.ts';
import { measureBlueGreen } from './bluegreen.ts';
import { measureChatFanout } from './chat-fanout.ts';
import { measureChatHistory } from './chat-history.ts';
import { measureClusterWriter } from './cluster-writer.ts';
import { openContext } from './context.ts';
import { measureFeed } from './feed.ts';
import { measureHttp } from './http.ts';
import { measureHttpPaths } from './http-paths.ts';
import { measureBanToEdge } from './identity-event.ts';
import { round } from './lanes.ts';
import { measureMedia } from './media.ts';
import { measureUpload } from './media-upload.ts';
import { measureNatsRestart } from './nats-restart.ts';
import { measurePlayRebuild } from './play.ts';
import { measureProjectorFigures } from './projector-figure.ts';
import { machineInfo, printTable, writeResults } from './report.ts';
import { measureTracing } from './tracing.ts';
import type { FigureResult } from './types.ts';
import { measureWriterFigure } from './writer-figure.ts';

const scale = Number(process.env.BENCH_SCALE ?? 1);
// BENCH_ONLY=projector,http runs just those figure groups (a quick loop while tuning one);
// unset, every figure runs. Groups: writer, cluster (the writer on a 3-node R3 cluster beside
// one node), projector (with jetstream), http (or just ban),
// chat (or just one of its figures: fanout, history), play, restart (NATS restarted under a hub),
// audit (verify of the hash chain),
// audit-log (the audit read model over every stream), bluegreen (a verified rebuild of chat),
// feed (the integrators' SSE feed), tracing (POST /messages with tracing on beside off),
// assistant (time to first token through Hearth beside straight to the model server).
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()) ?? null;
const wants = (group: string) => only === null || only.includes(group);
const config = {
  scale,
  writer: { users: Math.round(2000 * scale), commandsPerUser: 6, lanes: 64 },
  publishInFlight: 256,
  projectorEvents: Math.round(200_000 * scale),
  playEvents: Math.round(500_000 * scale),
  auditEvents: Math.round(1_000_000 * scale),
  bluegreenEvents: Math.round(1_000_000 * scale),
  feedEvents: Math.round(1_000_000 * scale),
  unnestBatch: 500,
  httpClients: 64,
  natsRestarts: Math.max(3, Math.round(10 * scale)),
  chat: {
    fanout: { clients: Math.round(2000 * scale), people: 20, messages: 20, spacingMs: 400 },
    history: {
      rate: 500,
      seconds: Math.max(1, Math.round(10 * scale)),
      warmupSeconds: 1,
      people: 10,
      sockets: 50,
    },
  },
};

const step = (text: string) => console.error(`· ${text}`);

async function main() {
  // Other work on a small host skews every figure; the load beside the numbers says how much.
  const loadBefore = loadavg()[0] ?? 0;
  const ctx = await openContext();
  try {
    const figures: FigureResult[] = [];
    if (wants('writer')) {
      const commands = config.writer.users * config.writer.commandsPerUser;
      step(`run ${ctx.runId}: writer append vs Emmett, ${commands} commands each, taking turns`);
      figures.push(await measureWriterFigure({ ctx, workload: config.writer }));
    }
    if (wants('cluster')) {
      const commands = config.writer.users * config.writer.commandsPerUser;
      step(`writer append on a 3-node R3 cluster vs one node, ${commands} commands each, taking turns`);
      figures.push(await measureClusterWriter({ ctx, workload: config.writer, step }));
    }
    if (wants('projector')) {
      const { jetstream, projector } = await measureProjectorFigures({
        ctx,
        events: config.projectorEvents,
        publishInFlight: config.publishInFlight,
        unnestBatch: config.unnestBatch,
        step,
      });
      // The table has always listed the raw publish ceiling first.
      figures.unshift(jetstream);
      figures.push(projector);
    }
    if (wants('http')) {
      figures.push(...(await measureHttpPaths({ ctx, step })));
    }
    if (wants('http') || wants('ban')) {
      step('HTTP: a ban on one edge, refused by the other');
      figures.push(await measureBanToEdge({ ctx }));
    }
    if (wants('http')) figures.push(await measureHttp({ ctx, clients: config.httpClients }));
    if (wants('tracing'))
      figures.push(await measureTracing({ ctx, seconds: Math.max(2, Math.round(10 * scale)), step }));
    if (wants('assistant'))
      figures.push(
        await measureAssistant({
          ctx,
          conversations: Math.max(32, Math.round(128 * scale)),
          saturated: Math.max(32, Math.round(400 * scale)),
          step,
        }),
      );
    if (wants('chat') || wants('fanout')) {
      const fanout = await measureChatFanout({ ctx, ...config.chat.fanout, step });
      figures.push(fanout.latency, fanout.memory);
    }
    if (wants('chat') || wants('history'))
      figures.push(await measureChatHistory({ ctx, ...config.chat.history, step }));
    if (wants('restart'))
      figures.push(...(await measureNatsRestart({ ctx, rounds: config.natsRestarts, step })));
    if (wants('play'))
      figures.push(
        await measurePlayRebuild({
          ctx,
          events: config.playEvents,
          publishInFlight: config.publishInFlight,
          unnestBatch: config.unnestBatch,
          step,
        }),
      );
    if (wants('bluegreen'))
      figures.push(
        await measureBlueGreen({
          ctx,
          events: config.bluegreenEvents,
          publishInFlight: config.publishInFlight,
          unnestBatch: config.unnestBatch,
          step,
        }),
      );
    if (wants('audit-log'))
      figures.push(
        await measureAuditLog({
          ctx,
          events: config.auditEvents,
          publishInFlight: config.publishInFlight,
          unnestBatch: config.unnestBatch,
          step,
        }),
      );
    if (wants('media'))
      figures.push(
        ...(await measureMedia({
          ctx,
          runs: Math.max(8, Math.round(40 * scale)),
          step,
          upload: measureUpload,
        })),
      );
    if (wants('audit'))
      figures.push(
        await measureAuditVerify({
          ctx,
          events: config.auditEvents,
          publishInFlight: config.publishInFlight,
          step,
        }),
      );
    if (wants('feed'))
      figures.push(
        await measureFeed({ ctx, events: config.feedEvents, publishInFlight: config.publishInFlight, step }),
      );
    const machine = machineInfo({
      natsServer: ctx.nc.info?.version ?? 'unknown',
      postgres: await ctx.postgresVersion(),
      loadAverage1mBefore: round(loadBefore, 2),
      loadAverage1mAfter: round(loadavg()[0] ?? 0, 2),
    });
    const rows = printTable(figures);
    // A partial run only prints: it must not overwrite the full results.
    if (only === null)
      await writeResults(new URL('./results.json', import.meta.url), { machine, config, rows });
  } finally {
    await ctx.cleanup();
  }
}

await main();
