// What every feed source writes: one item per moment, idempotent by id.
import type { Kysely } from 'kysely';
import type { FeedKind } from '../../contracts/home.api.ts';
import type { StoredEvent } from '../runtime/types.ts';
import type { FeedDB } from './tables.ts';

export type Moment = {
  id: string;
  kind: FeedKind;
  actor: string;
  subject: string;
  place?: string;
  detail?: string;
  players?: { user_id: string; place: number }[];
  link: string;
};

export async function tell<DB extends FeedDB>(source: Kysely<DB>, e: StoredEvent, m: Moment): Promise<void> {
  await (source as unknown as Kysely<FeedDB>)
    .insertInto('items')
    .values({
      id: m.id,
      kind: m.kind,
      actor_id: m.actor,
      subject_id: m.subject,
      place: m.place ?? '',
      detail: m.detail ?? '',
      players: JSON.stringify(m.players ?? []),
      link: m.link,
      at: e.occurredAt,
      last_seq: e.seq,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** A moment that stopped standing: a chore taken back, a match voided. */
export async function untell<DB extends FeedDB>(
  source: Kysely<DB>,
  kind: FeedKind,
  subject: string,
): Promise<void> {
  await (source as unknown as Kysely<FeedDB>)
    .deleteFrom('items')
    .where('kind', '=', kind)
    .where('subject_id', '=', subject)
    .execute();
}
