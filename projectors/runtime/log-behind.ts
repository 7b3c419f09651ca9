// Checked once at start: a read model whose checkpoint is past the end of its stream was built
// from a log this server no longer holds (a store moved or lost: an upgrade to the two-account
// deploy/nats/nats.conf moves JetStream's store from `$G` to `HUB`). Following the stream from
// there would skip every event appended below the checkpoint, so the hub does not start.
import type { Kysely } from 'kysely';
import type { Log } from '../../writers/log/open.ts';
import { RUNTIME_SCHEMA, type RuntimeDB } from './tables.ts';
import type { AnyProjection } from './types.ts';

export type Behind = { readModel: string; stream: string; checkpoint: number; lastSeq: number };

/** A start refused because the log is behind the read models. */
export class LogBehindError extends Error {
  readonly behind: Behind[];
  constructor(behind: Behind[]) {
    super(
      `${behind
        .map(
          (b) =>
            `stream ${b.stream} ends at ${b.lastSeq}, before read model ${b.readModel}'s checkpoint ${b.checkpoint}`,
        )
        .join(
          '; ',
        )}: this NATS store is not the log the read models were built from. After an upgrade to deploy/nats/nats.conf, stop NATS and move the store (README, "Upgrading": mv /data/jetstream/\\$G /data/jetstream/HUB); after a lost store, restore it from a backup. The hub does not start until then.`,
    );
    this.name = 'LogBehindError';
    this.behind = behind;
  }
}

/** One query for the checkpoints, one stream info per stream; throws LogBehindError. */
export async function refuseLogBehind({
  db,
  log,
  projections,
}: {
  db: Kysely<RuntimeDB>;
  log: Log;
  projections: readonly AnyProjection[];
}): Promise<void> {
  if (projections.length === 0) return;
  const rows = await db
    .withSchema(RUNTIME_SCHEMA)
    .selectFrom('checkpoints')
    .select(['read_model', 'last_seq'])
    .where(
      'read_model',
      'in',
      projections.map((p) => p.name),
    )
    .execute();
  const checkpoints = new Map(rows.map((r) => [r.read_model, Number(r.last_seq)]));
  const lastSeqs = new Map<string, number>();
  const behind: Behind[] = [];
  for (const p of projections) {
    const stream = log.names.stream(p.domain);
    let lastSeq = lastSeqs.get(stream);
    if (lastSeq === undefined) {
      lastSeq = (await log.jsm.streams.info(stream)).state.last_seq;
      lastSeqs.set(stream, lastSeq);
    }
    const checkpoint = checkpoints.get(p.name) ?? 0;
    if (checkpoint > lastSeq) behind.push({ readModel: p.name, stream, checkpoint, lastSeq });
  }
  if (behind.length) throw new LogBehindError(behind);
}
