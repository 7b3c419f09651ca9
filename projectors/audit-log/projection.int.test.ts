import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../runtime/types.ts';
import { toEntry } from './entry.ts';
import type { AuditFilter } from './queries.ts';
import { at, SECRET, type SeededAuditLog, startSeededAuditLog } from './seed.fixture.ts';

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
