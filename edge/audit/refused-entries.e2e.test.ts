// Every kind of refusal reaches the admins' audit log, over a whole hub with a private clamd: a
// command the role does not allow, a failed sign-in, a rate limit, a sign-up with a bad invite,
// and an infected upload. Each is an entry with outcome `refused`, its kind, code and count, who
// or where it came from, and nothing of what was typed (no password, no email in the details).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditPage } from '../../contracts/audit.api.ts';
import { EICAR, WITHOUT_CLAMD_REASON, withoutClamd } from '../../test/clamd.ts';
import { eventually, type TestClient } from '../../test/hub.ts';
import { type MediaFamily, postUpload, startMediaFamily } from '../../test/media-family.ts';

const RATE_LIMIT = 15;
const PASSWORD_TRIED = `not-the-password-${randomBytes(6).toString('hex')}`;
let f: MediaFamily;
let admin: TestClient;
let ann: TestClient;
let annId: string;

/** The refused entries the admin's viewer lists, once `ok` holds for them. */
async function refusedEntries(ok: (entries: AuditEntry[]) => boolean): Promise<AuditEntry[]> {
  return eventually(
    async () => {
      const res = await admin.request('/api/v1/audit/entries?outcome=refused&limit=200');
      if (res.status !== 200) return undefined;
      const { entries } = (await res.json()) as AuditPage;
      return ok(entries) ? entries : undefined;
    },
    { timeoutMs: 20_000, what: 'the refusals in the audit log' },
  );
}

describe.skipIf(withoutClamd)(
  `refused attempts in the audit log${withoutClamd ? ` (${WITHOUT_CLAMD_REASON})` : ''}`,
  () => {
    beforeAll(async () => {
      f = await startMediaFamily({
        admin: 'Mum',
        members: ['Ann'],
        env: { HEARTH_COMMAND_RATE_LIMIT: String(RATE_LIMIT), HEARTH_AUTH_RATE_LIMIT: 'off' },
      });
      admin = f.admin;
      [ann] = f.members as [TestClient];
      annId = (await ann.me()).id;
      const adminId = (await admin.me()).id;

      // 1. Ann asks for an admin's command: 403.
      expect(
        (await ann.request(`/api/v1/admin/users/${adminId}/role`, { body: { role: 'member' } })).status,
      ).toBe(403);
      // 2. Someone tries Ann's account with a wrong password, twice: 401.
      const stranger = f.t.client();
      for (let i = 0; i < 2; i++) {
        const res = await stranger.request('/api/auth/sign-in/email', {
          body: { email: 'ann@family.test', password: PASSWORD_TRIED },
        });
        expect(res.status).toBe(401);
      }
      // 3. A sign-up with an invite that does not exist: 403.
      const newcomer = f.t.client();
      expect(
        (
          await newcomer.signUp({
            email: 'newcomer@family.test',
            invite: randomBytes(32).toString('base64url'),
          })
        ).status,
      ).toBe(403);
      // 4. Ann uploads the EICAR test file: 422, nothing stored.
      expect((await postUpload(f.t, ann, EICAR, { name: 'eicar.jpg' })).status).toBe(422);
      // 5. Ann posts past the command rate limit: 429.
      let limited = 0;
      for (let i = 0; i < RATE_LIMIT + 3 && limited === 0; i++) {
        const res = await ann.request('/api/v1/messages', {
          body: { channel: 'family', content: `hi ${i}` },
        });
        if (res.status === 429) limited++;
      }
      expect(limited).toBe(1);
      // The repeats of the minute are written when it is over; write them now.
      await f.t.hub.refusals.flush();
    }, 120_000);

    afterAll(async () => {
      await f?.stop();
    });

    it('lists every kind, with its code, count and who or where it came from', async () => {
      const entries = await refusedEntries((list) => {
        const kinds = new Set(list.map((e) => e.details.kind ?? e.action));
        return (
          ['REFUSAL_KIND_FORBIDDEN', 'REFUSAL_KIND_SIGN_IN_FAILED', 'REFUSAL_KIND_INVITE_REFUSED'].every(
            (k) => kinds.has(k),
          ) &&
          kinds.has('REFUSAL_KIND_RATE_LIMITED') &&
          list.some((e) => e.action === 'media.UploadRejected')
        );
      });
      const byKind = (kind: string) => entries.filter((e) => e.details.kind === kind);

      const [forbidden] = byKind('REFUSAL_KIND_FORBIDDEN');
      expect(forbidden).toMatchObject({
        stream: 'AUDIT',
        action: 'audit.AttemptRefused',
        outcome: 'refused',
        actor_id: annId,
        actor_name: 'Ann',
        client_ip: ann.ip,
        count: 1,
        details: { action: 'POST /api/v1/admin/users/:id/role', code: 'forbidden' },
      });

      const signIns = byKind('REFUSAL_KIND_SIGN_IN_FAILED');
      expect(signIns.reduce((n, e) => n + e.count, 0)).toBe(2);
      expect(signIns[0]).toMatchObject({
        outcome: 'refused',
        actor_id: null,
        details: { action: 'POST /api/auth/sign-in/email' },
      });

      expect(byKind('REFUSAL_KIND_INVITE_REFUSED')[0]).toMatchObject({
        outcome: 'refused',
        actor_id: null,
        details: { code: 'identity.invite_not_found' },
      });
      expect(byKind('REFUSAL_KIND_RATE_LIMITED')[0]).toMatchObject({
        outcome: 'refused',
        actor_id: annId,
        details: { action: 'POST /api/v1/messages', code: 'rate_limited' },
      });

      const infected = entries.find((e) => e.action === 'media.UploadRejected');
      expect(infected).toMatchObject({ stream: 'MEDIA', outcome: 'refused', actor_id: annId, count: 1 });

      // What was typed is not audit data: no password, and no email or file name, anywhere.
      const shown = JSON.stringify(entries);
      expect(shown).not.toContain(PASSWORD_TRIED);
      expect(shown).not.toContain('ann@family.test');
      expect(shown).not.toContain('newcomer@family.test');
      expect(shown).not.toContain('eicar.jpg');
    });

    it('is for admins only', async () => {
      expect((await ann.request('/api/v1/audit/entries?outcome=refused')).status).toBe(403);
    });
  },
);
