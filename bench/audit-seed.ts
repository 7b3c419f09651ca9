// The mixed history the audit read model catches up on: chat (posts with text, edits, reads,
// reactions), identity (registrations, sign-ins), play (chores, matches), home and media,
// every event with the whole metadata. Built by index with a fixed-step generator, so the
// events published and the rows the baseline inserts are the same, run after run.
import type { Domain, Names } from '../contracts/subjects.ts';
import type { Meta } from '../projectors/audit-log/events.fixture.ts';

export type AuditSeedEvent = {
  domain: Domain;
  subject: string;
  event: { case: string; value: Record<string, unknown> };
  meta: Meta & { actorId: string };
};

const PEOPLE = 40;
const CHANNELS = 12;
const TEXT = 'On my way home, shall I pick up bread and milk? Back around six, maybe a bit later.';
const AGENT = 'Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0';

export function auditSeedEvent(names: Names, i: number, start: Date): AuditSeedEvent {
  const person = `p${(i * 7) % PEOPLE}`;
  const other = `p${(i * 13 + 1) % PEOPLE}`;
  const channel = `c${i % CHANNELS}`;
  const message = `m${i >> 2}`;
  const meta = {
    actorId: person,
    clientIp: `10.0.${i % 7}.${i % 250}`,
    userAgent: AGENT,
    at: new Date(start.getTime() + i),
  };
  const slot = i % 20;
  const chat = (event: AuditSeedEvent['event'], subject: string): AuditSeedEvent => ({
    domain: 'chat',
    subject,
    event,
    meta,
  });
  // Half chat, a quarter identity, the rest play, home and media.
  if (slot < 6)
    return chat(
      {
        case: 'messagePosted',
        value: {
          channelId: channel,
          messageId: message,
          senderId: person,
          content: TEXT,
          mentionIds: [other],
        },
      },
      names.chat.message(channel, message),
    );
  if (slot < 8)
    return chat(
      {
        case: 'messageEdited',
        value: { channelId: channel, messageId: message, editorId: person, content: TEXT },
      },
      names.chat.message(channel, message),
    );
  if (slot < 9)
    return chat(
      {
        case: 'reactionAdded',
        value: { channelId: channel, messageId: message, userId: person, emoji: '👍' },
      },
      names.chat.message(channel, message),
    );
  if (slot < 10)
    return chat(
      { case: 'channelRead', value: { channelId: channel, userId: person, upToSeq: BigInt(i) } },
      names.chat.read(channel, person),
    );
  if (slot < 12)
    return {
      domain: 'identity',
      subject: names.identity.account(`u${i}`),
      event: {
        case: 'userRegistered',
        value: { userId: `u${i}`, email: `u${i}@family.test`, name: `Person ${i}`, role: 'member' },
      },
      meta,
    };
  if (slot < 15)
    return {
      domain: 'identity',
      subject: names.identity.sessions(person),
      event: {
        case: 'signedIn',
        value: { userId: person, sessionId: `s${i}`, ipAddress: meta.clientIp, userAgent: AGENT },
      },
      meta,
    };
  if (slot < 17)
    return {
      domain: 'play',
      subject: names.play.completion('dishes', `d${i}`),
      event: {
        case: 'choreMarkedDone',
        value: {
          choreId: 'dishes',
          completionId: `d${i}`,
          memberId: person,
          period: '2030-03-01',
          points: 5,
          note: TEXT,
        },
      },
      meta,
    };
  if (slot < 18)
    return {
      domain: 'play',
      subject: names.play.match(`x${i}`),
      event: {
        case: 'matchReported',
        value: {
          matchId: `x${i}`,
          game: 'chess',
          gameName: 'Chess',
          placements: [
            { userId: person, place: 1 },
            { userId: other, place: 2 },
          ],
          reportedBy: person,
          expiresAt: { seconds: BigInt(Math.floor(meta.at.getTime() / 1000) + 86_400), nanos: 0 },
        },
      },
      meta,
    };
  if (slot < 19)
    return {
      domain: 'home',
      subject: names.home.inbox(person),
      event: {
        case: 'notificationsRead',
        value: { memberId: person, readUpTo: { seconds: BigInt(i), nanos: 0 } },
      },
      meta,
    };
  return {
    domain: 'media',
    subject: names.media.album('summer'),
    event: { case: 'albumFileAdded', value: { albumId: 'summer', fileId: `f${i}`, addedBy: person } },
    meta,
  };
}
