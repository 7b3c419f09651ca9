// Chat's notifications on real NATS and Postgres: a mention tells only members of the channel
// it names, a DM tells the other person, an edit changes the line shown, a deleted message
// takes its notifications (and their text) with it, and a rebuild gives the same rows.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatEventSchema } from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { encodeSealed } from '../../test/sealed.ts';
import { ev } from '../../writers/chat/events.fixture.ts';
import type { ChatEventBody } from '../../writers/chat/state.ts';
import { eventHeaders } from '../../writers/log/encode.ts';
import type { ProjectorRunner } from '../runtime/runner.ts';
import type { AnyProjection } from '../runtime/types.ts';
import { HOME_NOTIFICATIONS_CHAT, homeNotificationsChat } from './chat.ts';

let rt: TestRuntime;
let runner: ProjectorRunner;

beforeAll(async () => {
  rt = await openTestRuntime();
  runner = await rt.runner([homeNotificationsChat as unknown as AnyProjection]);
});
afterAll(() => rt.cleanup());

let n = 0;
const publish = async (subject: string, event: ChatEventBody, actorId = 'ann') => {
  const meta = { actorId, correlationId: `test-${n++}`, now: new Date() };
  const ack = await rt.log.js.publish(subject, await encodeSealed(rt.log, ChatEventSchema, event, meta), {
    headers: eventHeaders(event, meta),
  });
  return ack.seq;
};
const channel = (id: string, e: ChatEventBody) => publish(rt.log.names.chat.members(id), e);
const message = (id: string, messageId: string, e: ChatEventBody) =>
  publish(rt.log.names.chat.message(id, messageId), e);

const rows = async () =>
  (
    await sql<{ member_id: string; kind: string; body: string; place: string; subject_id: string }>`
      SELECT member_id, kind, body, place, subject_id FROM home_notifications_chat.notifications
      ORDER BY id`.execute(rt.db)
  ).rows;

describe('chat notifications', () => {
  it('tells a mention to members only, a DM to the other person, and follows edits and deletions', async () => {
    await channel('trip', ev.created('trip', 'group', 'ann', 'Trip'));
    await channel('trip', ev.joined('trip', 'ann'));
    await channel('trip', ev.joined('trip', 'bob'));
    await channel('dm1', ev.created('dm1', 'dm', 'ann', ''));
    await channel('dm1', ev.joined('dm1', 'ann'));
    await channel('dm1', ev.joined('dm1', 'bob'));
    // Cara is not in the trip: naming her tells her nothing of it.
    await message(
      'trip',
      'm1',
      ev.posted('trip', 'm1', 'ann', 'Packing list, @bob @cara', { mentionIds: ['bob', 'cara'] }),
    );
    await message('dm1', 'm2', ev.posted('dm1', 'm2', 'ann', 'the surprise is on Sunday'));
    await message('dm1', 'm3', ev.posted('dm1', 'm3', 'ann', 'forget I said that'));
    await message('trip', 'm1', ev.edited('trip', 'm1', 'ann', 'Packing list v2, @bob'));
    const last = await message('dm1', 'm3', ev.deleted('dm1', 'm3', 'ann'));
    expect(await runner.waitFor(HOME_NOTIFICATIONS_CHAT, last, 5000)).toBe(true);
    expect(await rows()).toEqual([
      { member_id: 'bob', kind: 'mention', body: 'Packing list v2, @bob', place: 'Trip', subject_id: 'm1' },
      { member_id: 'bob', kind: 'dm', body: 'the surprise is on Sunday', place: '', subject_id: 'm2' },
    ]);
  });

  it('shows an edit to members only: who left the channel keeps the line they were told', async () => {
    await channel('plans', ev.created('plans', 'group', 'ann', 'Plans'));
    await channel('plans', ev.joined('plans', 'ann'));
    await channel('plans', ev.joined('plans', 'bob'));
    await channel('plans', ev.joined('plans', 'cara'));
    await message(
      'plans',
      'p1',
      ev.posted('plans', 'p1', 'ann', 'Picnic, @bob @cara', { mentionIds: ['bob', 'cara'] }),
    );
    await channel('plans', ev.left('plans', 'cara'));
    const last = await message(
      'plans',
      'p1',
      ev.edited('plans', 'p1', 'ann', 'Picnic moved to the lake, @bob'),
    );
    expect(await runner.waitFor(HOME_NOTIFICATIONS_CHAT, last, 5000)).toBe(true);
    expect((await rows()).filter((r) => r.subject_id === 'p1')).toEqual([
      {
        member_id: 'bob',
        kind: 'mention',
        body: 'Picnic moved to the lake, @bob',
        place: 'Plans',
        subject_id: 'p1',
      },
      { member_id: 'cara', kind: 'mention', body: 'Picnic, @bob @cara', place: 'Plans', subject_id: 'p1' },
    ]);
  });

  it('gives the same rows after a rebuild', async () => {
    const before = await rows();
    expect((await runner.rebuild(HOME_NOTIFICATIONS_CHAT)).status).toBe('done');
    expect(await rows()).toEqual(before);
  });
});
