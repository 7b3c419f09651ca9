// Each member's own preferences, from the PREFERENCES stream: one row per member, each event
// an upsert of the fields it carries (only those that changed). Their erasure blanks the
// prompt, as a rebuild from the shredded events writes it.
import { type Kysely, sql } from 'kysely';
import type { PreferencesEvent } from '../../contracts/gen/hearth/preferences/v1/events_pb.ts';
import { blankMember, type PersonalCopy } from '../runtime/erasures.ts';
import type { Projection, StoredEvent } from '../runtime/types.ts';
import * as m20261207 from './migrations/20261207T2000_preferences_members.ts';
import type { PreferencesDB } from './tables.ts';

export const PREFERENCES_MEMBERS = 'preferences_members';

const PERSONAL: PersonalCopy[] = [
  { table: 'members', member: 'member_id', blank: { assistant_prompt: sql`''` } },
];

export const preferencesMembersProjection: Projection<PreferencesDB, PreferencesEvent> = {
  name: PREFERENCES_MEMBERS,
  domain: 'preferences',
  migrations: { '20261207T2000_preferences_members': m20261207 },
  lineage: { members: { key: ['member_id'], seq: 'last_seq' } },
  apply: async (events, { db, schema }) => {
    for (const e of events) await applyOne(db, schema, e);
  },
};

type Change = Partial<
  Record<'theme' | 'language' | 'time_zone' | 'assistant_model' | 'assistant_prompt', string>
>;

async function applyOne(db: Kysely<PreferencesDB>, schema: string, e: StoredEvent<PreferencesEvent>) {
  const { event } = e;
  switch (event.case) {
    case 'preferencesChanged': {
      const v = event.value;
      const change: Change = {};
      if (v.theme !== undefined) change.theme = v.theme;
      if (v.language !== undefined) change.language = v.language;
      if (v.timeZone !== undefined) change.time_zone = v.timeZone;
      if (v.assistantModel !== undefined) change.assistant_model = v.assistantModel;
      // An erased member's prompt reads absent: the row keeps the '' their erasure left.
      if (v.assistantPrompt !== undefined) change.assistant_prompt = v.assistantPrompt;
      const at = { updated_at: e.occurredAt, last_seq: e.seq };
      await db
        .insertInto('members')
        .values({ member_id: v.memberId, ...change, ...at })
        // A redelivered event at or below the row's last one changes nothing.
        .onConflict((oc) =>
          oc
            .column('member_id')
            .doUpdateSet({ ...change, ...at })
            .where('members.last_seq', '<', sql<string>`${e.seq}`),
        )
        .execute();
      return;
    }
    case 'memberErased':
      await blankMember(
        db as Kysely<unknown>,
        { readModel: PREFERENCES_MEMBERS, schema },
        event.value.memberId,
        PERSONAL,
      );
      return;
    default:
      return;
  }
}
