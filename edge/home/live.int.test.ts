// The live loop on real NATS and Postgres: it follows each source by its stream's positions, so
// a flood of notifications is told in full, page after page, and what comes after it still is;
// and what happened long ago (a new read model catching up on the stream) pushes no one.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatEventSchema } from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import type { HomeFrame } from '../../contracts/home.frames.ts';
import { HOME_FEED_IDENTITY, homeFeedIdentity } from '../../projectors/home-feed/identity.ts';
import { HOME_NOTIFICATIONS_CHAT, homeNotificationsChat } from '../../projectors/home-notifications/chat.ts';
import {
  HOME_NOTIFICATIONS,
  homeNotificationsProjection,
} from '../../projectors/home-notifications/projection.ts';
import { identityUsersProjection } from '../../projectors/identity-users/projection.ts';
import type { ProjectorRunner } from '../../projectors/runtime/runner.ts';
import type { AnyProjection } from '../../projectors/runtime/types.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { encodeSealed } from '../../test/sealed.ts';
import { ev } from '../../writers/chat/events.fixture.ts';
import type { ChatEventBody } from '../../writers/chat/state.ts';
import { eventHeaders } from '../../writers/log/encode.ts';
import { createHomeLive, type HomeLive, NEWS_MS } from './live.ts';

let rt: TestRuntime;
let runner: ProjectorRunner;
let live: HomeLive;
/** What the loop pushed to whom: [member, body]. */
const pushed: [string, string][] = [];

beforeAll(async () => {
  rt = await openTestRuntime();
  runner = await rt.runner([
    identityUsersProjection,
    homeNotificationsProjection,
    homeNotificationsChat,
    homeFeedIdentity,
  ] as unknown as AnyProjection[]);
  live = createHomeLive({
    db: rt.db,
    sources: { notifications: [HOME_NOTIFICATIONS_CHAT], joined: HOME_FEED_IDENTITY },
    watched: [HOME_NOTIFICATIONS, HOME_NOTIFICATIONS_CHAT, HOME_FEED_IDENTITY],
    auth: { can: () => false },
    positions: (names) => runner.positions(names),
    feedSources: [],
    push: {
      toUser: (member: string, frame: HomeFrame) => {
        if (frame.event === 'notification') pushed.push([member, frame.notification.body]);
      },
      toAll: () => undefined,
    },
    logger: pino({ level: 'silent' }),
    // Small pages, so a handful of messages is a flood.
    page: 2,
  });
  await live.tick();
  await channel('dm1', ev.created('dm1', 'dm', 'ann', ''));
  await channel('dm1', ev.joined('dm1', 'ann'));
  await channel('dm1', ev.joined('dm1', 'bob'));
});
afterAll(async () => {
  await live?.stop();
  await rt?.cleanup();
});

let n = 0;
const publish = async (subject: string, event: ChatEventBody, now = new Date()) => {
  const meta = { actorId: 'ann', correlationId: `live-${n++}`, now };
  const ack = await rt.log.js.publish(subject, await encodeSealed(rt.log, ChatEventSchema, event, meta), {
    headers: eventHeaders(event, meta),
  });
  return ack.seq;
};
const channel = (id: string, e: ChatEventBody) => publish(rt.log.names.chat.members(id), e);
/** Ann writes to Bob; the loop runs a round once the read model has it. */
async function dm(texts: string[], now?: Date) {
  let last = 0;
  for (const [i, text] of texts.entries())
    last = await publish(
      rt.log.names.chat.message('dm1', `m${n}-${i}`),
      ev.posted('dm1', `m${n}-${i}`, 'ann', text),
      now,
    );
  expect(await runner.waitFor(HOME_NOTIFICATIONS_CHAT, last, 5000)).toBe(true);
  await live.tick();
}

describe('the live loop', () => {
  it('tells every notification of a flood, a page at a time, and what comes after it', async () => {
    pushed.length = 0;
    const flood = ['one', 'two', 'three', 'four', 'five'];
    await dm(flood);
    expect(pushed).toEqual(flood.map((text) => ['bob', text]));
    await dm(['six']);
    expect(pushed.map(([, text]) => text)).toEqual([...flood, 'six']);
  });

  it('pushes no one what happened long ago, as when a read model catches up on the stream', async () => {
    pushed.length = 0;
    await dm(['the old surprise'], new Date(Date.now() - NEWS_MS - 60_000));
    expect(pushed).toEqual([]);
    await dm(['the new one']);
    expect(pushed).toEqual([['bob', 'the new one']]);
  });
});
