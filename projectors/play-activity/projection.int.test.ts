// Play's view of chat on real NATS and Postgres: a member's post counts, a line from Hearth
// itself (no sender: someone joined the family) is nobody's and counts for no one.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatEventSchema } from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { encodeSealed } from '../../test/sealed.ts';
import { ev, file } from '../../writers/chat/events.fixture.ts';
import { eventHeaders } from '../../writers/log/encode.ts';
import type { ProjectorRunner } from '../runtime/runner.ts';
import type { AnyProjection } from '../runtime/types.ts';
import { PLAY_ACTIVITY, playActivityProjection } from './projection.ts';

let rt: TestRuntime;
let runner: ProjectorRunner;

beforeAll(async () => {
  rt = await openTestRuntime();
  runner = await rt.runner([playActivityProjection as unknown as AnyProjection]);
});
afterAll(() => rt.cleanup());

const post = async (id: string, senderId: string, content: string, files: string[] = []) => {
  const event = ev.posted('family', id, senderId, content, { attachments: files.map((f) => file(f)) });
  const meta = { actorId: senderId, correlationId: 'test', now: new Date() };
  const ack = await rt.log.js.publish(
    rt.log.names.chat.message('family', id),
    await encodeSealed(rt.log, ChatEventSchema, event, meta),
    {
      headers: eventHeaders(event, meta),
    },
  );
  return ack.seq;
};

describe('play activity', () => {
  it('counts a member’s post, and not a line from Hearth itself', async () => {
    await post('joined-ann', '', 'Ann joined as child');
    const seq = await post('m1', 'ann', 'hello');
    expect(await runner.waitFor(PLAY_ACTIVITY, seq, 5000)).toBe(true);
    const { rows } = await sql<{ member_id: string }>`
      SELECT member_id FROM play_activity.messages ORDER BY seq`.execute(rt.db);
    expect(rows.map((r) => r.member_id)).toEqual(['ann']);
  });

  it('counts two posts of different files and no words as two, and the same words twice as one', async () => {
    await post('p1', 'ben', '', ['photo-1']);
    await post('p2', 'ben', '', ['photo-2']);
    await post('p3', 'ben', 'ok');
    const seq = await post('p4', 'ben', 'OK ');
    expect(await runner.waitFor(PLAY_ACTIVITY, seq, 5000)).toBe(true);
    const { rows } = await sql<{ repeat: boolean }>`
      SELECT repeat FROM play_activity.messages WHERE member_id = 'ben' ORDER BY seq`.execute(rt.db);
    expect(rows.map((r) => r.repeat)).toEqual([false, false, false, true]);
  });
});
