import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RefusalKind } from '../../contracts/gen/hearth/audit/v1/events_pb.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import type { Log } from '../../writers/log/open.ts';
import { identityUsersProjection } from '../identity-users/projection.ts';
import type { ProjectorRunner } from '../runtime/runner.ts';
import type { AnyProjection, StoredEvent } from '../runtime/types.ts';
import { toEntry } from './entry.ts';
import { decoderKeepsMetadata, publish } from './events.fixture.ts';
import { auditLogProjections } from './projection.ts';
import { type AuditFilter, auditPage } from './queries.ts';

let rt: TestRuntime;
let db: Kysely<unknown>;
let log: Log;
let runner: ProjectorRunner;
const seqs: Record<string, number> = {};
const SECRET = 'the words no admin may read';
const t0 = Date.parse('2030-03-01T10:00:00Z');
const at = (minutes: number) => new Date(t0 + minutes * 60_000);

async function settled() {
  for (const domain of ['identity', 'chat', 'play', 'media', 'audit'] as const) {
    const seq = seqs[domain];
    if (seq !== undefined) expect(await runner.waitFor(`audit_log_${domain}`, seq, 5000)).toBe(true);
  }
  expect(await runner.waitFor('identity_users', seqs.identity ?? 0, 5000)).toBe(true);
}

const all = async (filter: AuditFilter = {}) => (await auditPage(db, { filter, limit: 200 })).entries;

beforeAll(async () => {
  rt = await openTestRuntime();
  ({ db, log } = rt);
  runner = await rt.runner([identityUsersProjection, ...auditLogProjections] as unknown as AnyProjection[]);
  const n = log.names;
  const who = { clientIp: '10.1.2.3', userAgent: 'Firefox/130' };
  await publish(
    log,
    'identity',
    n.identity.account('ann'),
    {
      case: 'userRegistered',
      value: { userId: 'ann', email: 'ann@family.test', name: 'Ann Admin', role: 'admin' },
    },
    { actorId: 'ann', at: at(0), ...who },
  );
  seqs.identity = await publish(
    log,
    'identity',
    n.identity.account('kid'),
    {
      case: 'userRegistered',
      value: { userId: 'kid', email: 'kid@family.test', name: 'Kid', role: 'child' },
    },
    { actorId: 'kid', at: at(1) },
  );
  await publish(
    log,
    'chat',
    n.chat.message('dm1', 'm1'),
    {
      case: 'messagePosted',
      value: {
        channelId: 'dm1',
        messageId: 'm1',
        senderId: 'kid',
        content: SECRET,
        mentionIds: ['ann'],
        attachments: [
          {
            fileId: 'f1',
            contentType: 'image/png',
            fileName: 'secret-name.png',
            sizeBytes: 10n,
            width: 2,
            height: 3,
          },
          { fileId: 'f2', contentType: 'image/jpeg', fileName: 'other.jpg', sizeBytes: 20n },
        ],
      },
    },
    { actorId: 'kid', at: at(2), ...who },
  );
  seqs.chat = await publish(
    log,
    'chat',
    n.chat.message('dm1', 'm1'),
    {
      case: 'messageEdited',
      value: { channelId: 'dm1', messageId: 'm1', editorId: 'kid', content: `${SECRET}, edited` },
    },
    { actorId: 'ann', onBehalfOf: 'kid', at: at(3), ...who },
  );
  seqs.play = await publish(
    log,
    'play',
    n.play.match('x1'),
    {
      case: 'matchReported',
      value: {
        matchId: 'x1',
        game: 'chess',
        gameName: 'Chess',
        placements: [
          { userId: 'ann', place: 1 },
          { userId: 'kid', place: 2 },
        ],
        reportedBy: 'ann',
        expiresAt: { seconds: BigInt(Date.parse('2030-03-02T00:00:00Z') / 1000), nanos: 0 },
      },
    },
    { actorId: 'ann', at: at(4) },
  );
  seqs.media = await publish(
    log,
    'media',
    n.media.rejection('r1'),
    {
      case: 'uploadRejected',
      value: {
        rejectionId: 'r1',
        ownerId: 'kid',
        fileName: 'virus.exe',
        sizeBytes: 68n,
        signature: 'Eicar',
        kind: 'photo',
      },
    },
    { actorId: 'kid', at: at(5) },
  );
  seqs.audit = await publish(
    log,
    'audit',
    n.audit.refusal('q1'),
    {
      case: 'attemptRefused',
      value: {
        refusalId: 'q1',
        kind: RefusalKind.FORBIDDEN,
        action: 'POST /api/v1/admin/users/:id/role',
        code: 'forbidden',
        count: 5,
        account: 'kid@family.test',
      },
    },
    { actorId: 'kid', at: at(6) },
  );
  // A marked string with a NUL, from an old writer that did not refuse it.
  seqs.chat = await publish(
    log,
    'chat',
    n.chat.members('c9'),
    {
      case: 'memberJoined',
      value: { channelId: 'c9', userId: 'a\u0000b', addedBy: '' },
    },
    { at: at(7) },
  );
  await settled();
}, 60_000);
afterAll(() => rt.cleanup());

describe('the audit read model', () => {
  it('holds every stream, newest first, each entry its action, target, actor and outcome', async () => {
    const entries = await all();
    expect(entries.map((e) => [e.stream, e.action])).toEqual([
      ['CHAT', 'chat.MemberJoined'],
      ['AUDIT', 'audit.AttemptRefused'],
      ['MEDIA', 'media.UploadRejected'],
      ['PLAY', 'play.MatchReported'],
      ['CHAT', 'chat.MessageEdited'],
      ['CHAT', 'chat.MessagePosted'],
      ['IDENTITY', 'identity.UserRegistered'],
      ['IDENTITY', 'identity.UserRegistered'],
    ]);
    const edit = entries.find((e) => e.action === 'chat.MessageEdited');
    expect(edit).toMatchObject({
      seq: 2,
      at: at(3).toISOString(),
      actor_id: 'ann',
      actor_name: 'Ann Admin',
      target: 'chat.channel.dm1.message.m1',
      outcome: 'ok',
      count: 1,
      details: { channel_id: 'dm1', message_id: 'm1', editor_id: 'kid', mention_ids: [] },
    });
    expect(entries.find((e) => e.action === 'audit.AttemptRefused')).toMatchObject({
      outcome: 'refused',
      count: 5,
      actor_name: 'Kid',
      details: { kind: 'REFUSAL_KIND_FORBIDDEN', code: 'forbidden', count: 5 },
    });
    expect(entries.find((e) => e.action === 'media.UploadRejected')).toMatchObject({
      outcome: 'refused',
      count: 1,
      details: { rejection_id: 'r1', owner_id: 'kid', size_bytes: 68, signature: 'Eicar', kind: 'photo' },
    });
  });

  it('shows only the marked fields: ids and sizes, never text, names, emails or file names', async () => {
    const entries = await all();
    const text = JSON.stringify(entries.map((e) => e.details));
    for (const hidden of [
      SECRET,
      'secret-name.png',
      'ann@family.test',
      'kid@family.test',
      'virus.exe',
      'Chess',
    ])
      expect(text).not.toContain(hidden);
    expect(entries.find((e) => e.action === 'chat.MessagePosted')?.details).toEqual({
      channel_id: 'dm1',
      message_id: 'm1',
      sender_id: 'kid',
      reply_to_id: '',
      mention_ids: ['ann'],
      'attachments.file_id': ['f1', 'f2'],
      'attachments.content_type': ['image/png', 'image/jpeg'],
      'attachments.size_bytes': ['10', '20'],
      'attachments.width': ['2', '0'],
      'attachments.height': ['3', '0'],
      'attachments.has_thumbnail': ['false', 'false'],
    });
    expect(entries.find((e) => e.action === 'play.MatchReported')?.details).toEqual({
      match_id: 'x1',
      'placements.user_id': ['ann', 'kid'],
      'placements.place': ['1', '2'],
      reported_by: 'ann',
      expires_at: '2030-03-02T00:00:00.000Z',
    });
    expect(await all({ q: 'words no admin' })).toEqual([]);
  });

  it('stores what an old event holds, NUL and missing metadata included', async () => {
    const [joined] = await all({ action: 'chat.MemberJoined' });
    expect(joined).toMatchObject({ actor_id: null, client_ip: null, user_agent: null, on_behalf_of: null });
    expect(joined?.details.user_id).toBe('ab');
  });

  it('reads the client address, user agent and on-behalf-of from the decoded metadata', () => {
    const stored = {
      stream: 'CHAT',
      seq: 9,
      subject: 'ns.hearth.chat.channel.c.read.u',
      type: 'hearth.chat.v1.ChannelRead',
      occurredAt: at(0),
      actorId: 'ann',
      event: { case: 'channelRead', value: { channelId: 'c', userId: 'u', upToSeq: 3n } },
      metadata: { onBehalfOf: 'kid', clientIp: '10.9.9.9', userAgent: 'UA\u0000' },
    } as unknown as StoredEvent;
    expect(toEntry('chat', stored)).toMatchObject({
      target: 'chat.channel.c.read.u',
      on_behalf_of: 'kid',
      client_ip: '10.9.9.9',
      user_agent: 'UA',
      details: JSON.stringify({ channel_id: 'c', user_id: 'u', up_to_seq: 3 }),
    });
  });

  it.runIf(decoderKeepsMetadata)('keeps the client address, user agent and on-behalf-of', async () => {
    const [edit] = await all({ action: 'chat.MessageEdited' });
    expect(edit).toMatchObject({
      on_behalf_of: 'kid',
      on_behalf_of_name: 'Kid',
      client_ip: '10.1.2.3',
      user_agent: 'Firefox/130',
    });
  });

  it('filters by actor, action, target, outcome, time and text', async () => {
    const actions = async (f: AuditFilter) => (await all(f)).map((e) => e.action);
    expect(await actions({ actor: 'ann' })).toEqual([
      'play.MatchReported',
      'chat.MessageEdited',
      'identity.UserRegistered',
    ]);
    expect(await actions({ action: 'chat.' })).toEqual([
      'chat.MemberJoined',
      'chat.MessageEdited',
      'chat.MessagePosted',
    ]);
    expect(await actions({ action: 'chat.MessagePosted' })).toEqual(['chat.MessagePosted']);
    expect(await actions({ action: 'nosuch.' })).toEqual([]);
    expect(await actions({ target: 'chat.channel.dm1.' })).toEqual([
      'chat.MessageEdited',
      'chat.MessagePosted',
    ]);
    expect(await actions({ outcome: 'refused' })).toEqual(['audit.AttemptRefused', 'media.UploadRejected']);
    expect(await actions({ from: at(3), to: at(5) })).toEqual(['play.MatchReported', 'chat.MessageEdited']);
    // Names are matched too, case-insensitively, and LIKE's wildcards are only characters.
    expect(await actions({ q: 'ann admin' })).toEqual([
      'play.MatchReported',
      'chat.MessageEdited',
      'identity.UserRegistered',
    ]);
    expect(await actions({ q: 'EICAR' })).toEqual(['media.UploadRejected']);
    expect(await actions({ q: '%' })).toEqual([]);
  });

  it('pages through everything once, across streams', async () => {
    const everything = await all();
    const seen: string[] = [];
    let before: Awaited<ReturnType<typeof auditPage>>['next'] = null;
    do {
      const page: Awaited<ReturnType<typeof auditPage>> = await auditPage(db, {
        filter: {},
        limit: 3,
        ...(before ? { before } : {}),
      });
      seen.push(...page.entries.map((e) => `${e.stream}:${e.seq}`));
      before = page.next;
    } while (before);
    expect(seen).toEqual(everything.map((e) => `${e.stream}:${e.seq}`));
  });

  it('rebuilds from the log into the same rows', async () => {
    const rows = async () => (await sql`SELECT * FROM audit_log_chat.entries ORDER BY seq`.execute(db)).rows;
    const before = await rows();
    expect(await runner.rebuild('audit_log_chat')).toMatchObject({ status: 'done', remaining: 0 });
    expect(await rows()).toEqual(before);
  });
});
