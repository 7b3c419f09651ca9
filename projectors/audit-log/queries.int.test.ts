import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditFilter, auditPage, domainsFor } from './queries.ts';
import { at, type SeededAuditLog, startSeededAuditLog } from './seed.fixture.ts';

let s: SeededAuditLog;
const all = (filter?: AuditFilter) => s.all(filter);

beforeAll(async () => {
  s = await startSeededAuditLog();
}, 60_000);
afterAll(() => s?.rt.cleanup());

describe('the audit log, read across streams', () => {
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
    expect(await actions({ outcome: 'refused' })).toEqual([
      'identity.SignInFailed',
      'audit.AttemptRefused',
      'media.UploadRejected',
    ]);
    expect(domainsFor({ outcome: 'refused' })).toEqual(['identity', 'media', 'audit']);
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

  it('pages through everything once, across streams, entries of the same time included', async () => {
    const everything = await all();
    const key = (e: { stream: string; seq: number }) => `${e.stream}:${e.seq}`;
    // Two streams hold an entry of the very same time (the seed's upload and failed sign-in).
    const tied = everything.filter((e) => e.at === at(8).toISOString()).map(key);
    expect(tied).toEqual([expect.stringMatching(/^MEDIA:/), expect.stringMatching(/^IDENTITY:/)]);
    for (const limit of [1, 2, 3]) {
      const seen: string[] = [];
      let before: Awaited<ReturnType<typeof auditPage>>['next'] = null;
      do {
        const page: Awaited<ReturnType<typeof auditPage>> = await auditPage(s.db, {
          filter: {},
          limit,
          ...(before ? { before } : {}),
        });
        seen.push(...page.entries.map(key));
        before = page.next;
      } while (before);
      expect(seen, `limit ${limit}`).toEqual(everything.map(key));
    }
  });
});
