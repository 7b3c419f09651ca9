// Mentions and DMs, from the CHAT stream. A message in a DM tells the other person; a
// mention tells whoever it names, if they are in the channel. An edit changes the line shown
// to the channel's members;
// a deleted message takes its notifications with it (the tombstone forgets the text).
// A member's erasure blanks the lines of theirs it told, as a rebuild tells them from the
// shredded messages.
import { type Kysely, sql } from 'kysely';
import type { ChatEvent } from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import { blankMember, type PersonalCopy } from '../runtime/erasures.ts';
import type { Projection, StoredEvent } from '../runtime/types.ts';
import * as m20261206 from './migrations/20261206T2301_home_notifications_chat.ts';
import * as m20261207 from './migrations/20261207T0030_home_notifications_chat_seq.ts';
import * as m20270401 from './migrations/20270401T1001_home_notifications_chat_last_seq.ts';
import { type Notice, notify, snippet } from './notify.ts';
import type { ChatSourceDB } from './tables.ts';

export const HOME_NOTIFICATIONS_CHAT = 'home_notifications_chat';

/**
 * A channel's kind never changes, so this process remembers it: the steady state of a busy
 * chat (posts that mention no one, outside DMs) then costs this read model no query at all.
 */
const kinds = new Map<string, string>();
const KINDS_KEPT = 10_000;
const remember = (channelId: string, kind: string) => {
  if (kinds.size >= KINDS_KEPT) kinds.clear();
  kinds.set(channelId, kind);
};

export const homeNotificationsChat: Projection<ChatSourceDB, ChatEvent> = {
  name: HOME_NOTIFICATIONS_CHAT,
  // The live worker stamps when a notice arrived; a rebuild can only say when it happened.
  unverified: { notifications: ['added_at'] },
  domain: 'chat',
  migrations: {
    '20261206T2301_home_notifications_chat': m20261206,
    '20261207T0030_home_notifications_chat_seq': m20261207,
    '20270401T1001_home_notifications_chat_last_seq': m20270401,
  },
  lineage: {
    channels: { key: ['channel_id'], seq: 'last_seq' },
    members: { key: ['channel_id', 'user_id'], seq: 'last_seq' },
    notifications: { key: ['id'], seq: 'last_seq' },
  },
  apply: async (events, { db, schema, rebuilding }) => {
    for (const e of events) {
      if (e.event.case === 'memberErased') {
        const at = { readModel: HOME_NOTIFICATIONS_CHAT, schema };
        await blankMember(db as Kysely<unknown>, at, e.event.value.memberId, PERSONAL);
      } else await applyOne(db, e, rebuilding);
    }
  },
};

/** The lines of their messages it told: empty, as a rebuild tells them from the shredded messages. */
const PERSONAL: PersonalCopy[] = [
  {
    table: 'notifications',
    member: 'actor_id',
    where: sql`kind IN ('dm', 'mention')`,
    blank: { body: sql`''` },
  },
];

async function applyOne(db: Kysely<ChatSourceDB>, e: StoredEvent<ChatEvent>, rebuilding: boolean) {
  const { event } = e;
  switch (event.case) {
    case 'channelCreated': {
      const v = event.value;
      await db
        .insertInto('channels')
        .values({ channel_id: v.channelId, name: v.name, kind: v.kind, last_seq: e.seq })
        .onConflict((oc) => oc.column('channel_id').doNothing())
        .execute();
      return;
    }
    case 'memberJoined':
      await db
        .insertInto('members')
        .values({ channel_id: event.value.channelId, user_id: event.value.userId, last_seq: e.seq })
        .onConflict((oc) => oc.columns(['channel_id', 'user_id']).doNothing())
        .execute();
      return;
    case 'memberLeft':
      await db
        .deleteFrom('members')
        .where('channel_id', '=', event.value.channelId)
        .where('user_id', '=', event.value.userId)
        .execute();
      return;
    case 'messagePosted': {
      const v = event.value;
      // A line from Hearth itself (someone joined) tells no one: identity does.
      if (v.senderId === '') return;
      const known = kinds.get(v.channelId);
      if (v.mentionIds.length === 0 && known !== undefined && known !== 'dm') return;
      const channel = await db
        .selectFrom('channels')
        .select(['name', 'kind'])
        .where('channel_id', '=', v.channelId)
        .executeTakeFirst();
      if (!channel) return;
      remember(v.channelId, channel.kind);
      const members = new Set(
        (
          await db.selectFrom('members').select('user_id').where('channel_id', '=', v.channelId).execute()
        ).map((m) => m.user_id),
      );
      const told =
        channel.kind === 'dm'
          ? [...members].filter((id) => id !== v.senderId)
          : [...new Set(v.mentionIds)].filter((id) => id !== v.senderId && members.has(id));
      const kind = channel.kind === 'dm' ? 'dm' : 'mention';
      const notices: Notice[] = told.map((member) => ({
        id: `chat:${e.seq}:${member}`,
        kind,
        to: { member },
        actor: v.senderId,
        subject: v.messageId,
        place: channel.kind === 'dm' ? '' : channel.name,
        body: snippet(v.content),
        link: `/c/${v.channelId}`,
      }));
      await notify(db, e, notices, rebuilding);
      return;
    }
    case 'messageEdited':
      // Only members see the new text: who left the channel keeps the line they were told.
      await db
        .updateTable('notifications')
        .set({ body: snippet(event.value.content), last_seq: e.seq })
        .where('subject_id', '=', event.value.messageId)
        .where('kind', 'in', ['dm', 'mention'])
        .where((eb) =>
          eb(
            'member_id',
            'in',
            eb.selectFrom('members').select('user_id').where('channel_id', '=', event.value.channelId),
          ),
        )
        .execute();
      return;
    case 'messageDeleted':
      await db
        .deleteFrom('notifications')
        .where('subject_id', '=', event.value.messageId)
        .where('kind', 'in', ['dm', 'mention'])
        .execute();
      return;
    default:
      return;
  }
}
