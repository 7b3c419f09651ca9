// Figure: writer append rate beside Emmett's, same workload and concurrency. The two take
// turns (Hearth, Emmett, floor, floor, Emmett, Hearth) so drifting load on a shared host
// falls on both alike instead of on whichever ran second.
import { openLog } from '../writers/log/open.ts';
import type { BenchContext } from './context.ts';
import { prepareEmmett } from './emmett.ts';
import { round } from './lanes.ts';
import { prepareOccPublish } from './occ-publish.ts';
import type { FigureResult } from './types.ts';
import { type Phase, type PhaseStats, runPhase, type Step, summarize, type Workload } from './workload.ts';
import { prepareHearth } from './writer.ts';

export async function measureWriterFigure({
  ctx,
  workload,
}: {
  ctx: BenchContext;
  workload: Workload;
}): Promise<FigureResult> {
  const { users, lanes } = workload;
  const hearth = await prepareHearth({ log: await openLog({ nc: ctx.nc, names: ctx.names('w') }), users });
  const floor = await prepareOccPublish({ log: await openLog({ nc: ctx.nc, names: ctx.names('o') }), users });
  const emmett = await prepareEmmett({ url: await ctx.database('emmett'), users, lanes });
  try {
    const half = Math.ceil(workload.commandsPerUser / 2);
    const first: Phase = { firstRound: 0, rounds: half };
    const second: Phase = { firstRound: half, rounds: workload.commandsPerUser - half };
    const stats = { hearth: [] as PhaseStats[], emmett: [] as PhaseStats[], floor: [] as PhaseStats[] };
    let hearthRequests = 0;
    const run = async (who: keyof typeof stats, step: Step, phase: Phase) => {
      const sent = ctx.nc.stats().outMsgs;
      stats[who].push(await runPhase(workload, phase, step));
      // Only the Hearth writer talks to NATS in its turn: one message out is one request.
      if (who === 'hearth') hearthRequests += ctx.nc.stats().outMsgs - sent;
    };
    await run('hearth', hearth, first);
    await run('emmett', emmett.step, first);
    await run('floor', floor, first);
    await run('floor', floor, second);
    await run('emmett', emmett.step, second);
    await run('hearth', hearth, second);

    const floorRate = summarize('', stats.floor, {}).value;
    const figure = summarize(`createAppender().append, ${lanes} in flight`, stats.hearth, { users });
    figure.details = {
      ...figure.details,
      natsRequestsPerAppend: round(hearthRequests / figure.count, 2),
      occPublishOnlyPerSec: Math.round(floorRate),
    };
    return {
      id: 'writer',
      title: 'writer append (in-process)',
      figure,
      baseline: summarize(`Emmett appendToStream (OCC), ${lanes} in flight`, stats.emmett, { users }),
      target: { description: "≥ 3× Emmett's PostgreSQL append rate", minRatio: 3 },
    };
  } finally {
    await emmett.close();
  }
}
