// Figures: raw JetStream publish (which also writes the history) and the users projector's
// catch-up over it, beside Postgres UNNEST inserts measured half before and half after the
// projector, so drifting load on a shared host falls on both alike.
import { type Log, openLog } from '../writers/log/open.ts';
import { measurePublish } from './jetstream.ts';
import { openUnnestBaseline } from './postgres.ts';
import { measureProjector } from './projector.ts';
import { identitySeed, SEED_KEY_OWNER } from './seed.ts';
import type { FigureResult, ReplayFigureOptions } from './types.ts';

export async function measureProjectorFigures({
  ctx,
  events,
  publishInFlight,
  unnestBatch,
  step,
}: ReplayFigureOptions): Promise<{ jetstream: FigureResult; projector: FigureResult }> {
  step(`encoding ${events} identity events`);
  const log: Log = await openLog({ nc: ctx.nc, names: ctx.names('p') });
  await log.keys.ready([SEED_KEY_OWNER]);
  const seed = identitySeed(log.names, { sealingKey: () => log.keys.sealingKey(SEED_KEY_OWNER) }, events);
  step('raw JetStream publish (writes the history the projector replays)');
  const published = await measurePublish({ log, messages: seed.messages, inFlight: publishInFlight });

  const url = await ctx.database('p');
  const unnest = await openUnnestBaseline({ url, batchSize: unnestBatch });
  try {
    const { result: projector, baseline } = await unnest.around(events, step, () => {
      step('projector catch-up');
      return measureProjector({ log, url, lastSeq: published.lastSeq, events });
    });
    return {
      jetstream: {
        id: 'jetstream',
        title: 'raw JetStream pipelined publish',
        figure: published.measurement,
        baseline: null,
      },
      projector: {
        id: 'projector',
        title: 'projector catch-up (users)',
        figure: projector,
        baseline,
        target: { description: '≥ 40% of the raw Postgres UNNEST batch rate', minRatio: 0.4 },
      },
    };
  } finally {
    await unnest.close();
  }
}
