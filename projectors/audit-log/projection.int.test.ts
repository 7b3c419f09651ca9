import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAINS } from '../../contracts/subjects.ts';
import type { StoredEvent } from '../runtime/types.ts';
import { MAX_COUNT, toEntry } from './entry.ts';
import { auditLogName } from './projection.ts';
import type { AuditFilter } from './queries.ts';
import { at, SECRET, type SeededAuditLog, SHA, startSeededAuditLog } from './seed.fixture.ts';

let s: SeededAuditLog;
const all = (filter?: AuditFilter) => s.all(filter);

beforeAll(async () => {
  s = await startSeededAuditLog();
}, 60_000);
afterAll(() => s?.rt.cleanup());

describe('the audit read model', () => {
  it('holds every stream, newest first, each entry its action, target, actor and outcome', async () => {
    const entries = await all();
    expect(entries.map((e) => [e.stream, e.action])).toEqual([
      ['MEDIA', 'media.BlobReleased'],
      ['MEDIA', 'media.FileUploaded'],
      ['IDENTITY', 'identity.SignInFailed'],
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
    // Nor in the target or the text q searches, in any stream.
    for (const domain of DOMAINS) {
      const { rows } = await sql<{ target: string; search: string }>`SELECT target, search
        FROM ${sql.table(`${auditLogName(domain)}.entries`)}`.execute(s.db);
      const stored = JSON.stringify(rows);
      for (const hidden of [
        SECRET,
        'secret-name.png',
        'ann@family.test',
        'kid@family.test',
        'virus.exe',
        'Chess',
        SHA,
      ])
        expect(stored, domain).not.toContain(hidden);
    }
  });

  it("names a file's blob by the file, never by the hash of its bytes", async () => {
    expect((await all({ action: 'media.FileUploaded' }))[0]).toMatchObject({
      target: 'media.blob.f9',
      details: { file_id: 'f9', owner_id: 'kid' },
    });
    expect((await all({ action: 'media.BlobReleased' }))[0]?.target).toBe('media.blob');
    expect(JSON.stringify(await all())).not.toContain(SHA);
    expect(await all({ q: SHA.slice(0, 16) })).toEqual([]);
    expect((await all({ target: 'media.blob.' })).map((e) => e.target)).toEqual(['media.blob.f9']);
  });

  it('holds a failed sign-in as refused and done by no one, the tried account in its details', async () => {
    expect((await all({ action: 'identity.SignInFailed' }))[0]).toMatchObject({
      outcome: 'refused',
      actor_id: null,
      actor_name: null,
      on_behalf_of: null,
      client_ip: '10.6.6.6',
      details: { user_id: 'kid', reason: 'bad_password' },
    });
    expect(await all({ actor: 'kid', action: 'identity.' })).toMatchObject([
      { action: 'identity.UserRegistered' },
    ]);
  });

  it('stores what an old event holds, NUL and missing metadata included', async () => {
    const [joined] = await all({ action: 'chat.MemberJoined' });
    expect(joined).toMatchObject({ actor_id: null, client_ip: null, user_agent: null, on_behalf_of: null });
    expect(joined?.details.user_id).toBe('ab');
  });

  it('takes the client address, user agent and on-behalf-of from the decoded event, cleaned', () => {
    const stored = {
      stream: 'CHAT',
      seq: 9,
      subject: 'ns.hearth.chat.channel.c.read.u',
      type: 'hearth.chat.v1.ChannelRead',
      occurredAt: at(0),
      actorId: 'ann',
      onBehalfOf: 'kid',
      clientIp: '10.9.9.9',
      userAgent: 'UA\u0000',
      event: { case: 'channelRead', value: { channelId: 'c', userId: 'u', upToSeq: 3n } },
    } as unknown as StoredEvent;
    expect(toEntry('chat', stored)).toMatchObject({
      target: 'chat.channel.c.read.u',
      on_behalf_of: 'kid',
      client_ip: '10.9.9.9',
      user_agent: 'UA',
      details: JSON.stringify({ channel_id: 'c', user_id: 'u', up_to_seq: 3 }),
    });
  });

  it('stores any count a refusal holds: past what the column holds, the largest it does', () => {
    const refused = (count: number) =>
      toEntry('audit', {
        stream: 'AUDIT',
        seq: 1,
        subject: 'hearth.audit.refusal.q',
        type: 'hearth.audit.v1.AttemptRefused',
        occurredAt: at(0),
        event: { case: 'attemptRefused', value: { refusalId: 'q', count } },
      } as unknown as StoredEvent);
    expect(refused(4_294_967_295)).toMatchObject({ count: MAX_COUNT });
    expect(JSON.parse(refused(4_294_967_295).details)).toMatchObject({ count: 4_294_967_295 });
    expect(refused(0).count).toBe(1);
    expect(refused(7).count).toBe(7);
  });

  it('keeps the client address, user agent and on-behalf-of', async () => {
    const [edit] = await all({ action: 'chat.MessageEdited' });
    expect(edit).toMatchObject({
      on_behalf_of: 'kid',
      on_behalf_of_name: 'Kid',
      client_ip: '10.1.2.3',
      user_agent: 'Firefox/130',
    });
  });

  it('rebuilds from the log into the same rows', async () => {
    const rows = async () =>
      (await sql`SELECT * FROM audit_log_chat.entries ORDER BY seq`.execute(s.db)).rows;
    const before = await rows();
    expect(await s.runner.rebuild('audit_log_chat')).toMatchObject({ status: 'done', remaining: 0 });
    expect(await rows()).toEqual(before);
  });
});
