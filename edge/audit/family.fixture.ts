// A hub and a family whose log has events on every stream, for the audit routes' e2e tests: an
// admin, a member and a child; a direct message between member and child, posted and edited
// with marker strings no audit answer may hold; an admin acting as the child; a chore, the media
// settings, a notification read, and a refused attempt.
import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { expect } from 'vitest';
import type { AuditEntry, AuditPage } from '../../contracts/audit.api.ts';
import { RefusalKind } from '../../contracts/gen/hearth/audit/v1/events_pb.ts';
import { publish } from '../../projectors/audit-log/events.fixture.ts';
import { openDb } from '../../test/db.ts';
import { eventually, startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';

export type AuditFamily = {
  t: TestHub;
  admin: TestClient;
  member: TestClient;
  child: TestClient;
  ids: { admin: string; member: string; child: string; dm: string; message: string };
  /** In the DM's text (posted, then edited) and nowhere an admin may read. */
  markers: string[];
  emails: string[];
  /** When the edit was made: the entry must say so. */
  editedBetween: [Date, Date];
  /** GET /api/v1/audit/entries with these query parameters, as the admin. */
  entries: (query?: Record<string, string>) => Promise<AuditPage>;
  stop: () => Promise<void>;
};

export async function startAuditFamily(): Promise<AuditFamily> {
  const t = await startTestHub();
  const [admin, member, child] = [t.client(), t.client(), t.client()];
  const run = randomUUID().slice(0, 8);
  const emails = [`boss-${run}@family.test`, `mum-${run}@family.test`, `kiddo-${run}@family.test`];
  await admin.signUp({ email: emails[0] ?? '', name: 'Boss' });
  await member.signUp({ email: emails[1] ?? '', name: 'Mum' });
  await child.signUp({ email: emails[2] ?? '', name: 'Kiddo' });
  const ids = { admin: (await admin.me()).id, member: (await member.me()).id, child: (await child.me()).id };
  ok(await admin.request(`/api/v1/admin/users/${ids.child}/role`, { body: { role: 'child' } }));

  const markers = [`posted-${run}-zebra`, `edited-${run}-quokka`];
  const dm = (
    await json<{ id: string }>(await member.request('/api/v1/dms', { body: { user_id: ids.child } }))
  ).id;
  const posted = await json<{ id: string }>(
    await member.request('/api/v1/messages', { body: { channel: dm, content: `hi ${markers[0]}` } }),
  );
  const start = new Date();
  ok(
    await member.request(`/api/v1/channels/${dm}/messages/${posted.id}`, {
      method: 'PATCH',
      body: { content: `hi ${markers[1]}` },
    }),
  );
  const editedBetween: [Date, Date] = [start, new Date()];

  ok(await admin.request('/api/v1/play/chores', { body: { title: 'Dishes', points: 5 } }));
  ok(await admin.request('/api/v1/media/settings', { method: 'PUT', body: { children_may_upload: true } }));
  ok(await member.request('/api/v1/notifications/read', { body: {} }));
  await publish(
    t.hub.deps.log,
    'audit',
    t.hub.deps.log.names.audit.refusal(`r${run}`),
    {
      case: 'attemptRefused',
      value: {
        refusalId: `r${run}`,
        kind: RefusalKind.FORBIDDEN,
        action: 'GET /api/v1/audit/entries',
        count: 3,
      },
    },
    { actorId: ids.child, at: new Date() },
  );

  // The admin acting as the child: a session of the child's, marked as the admin's doing (as
  // impersonation marks it), that reads a channel.
  const impostor = t.client();
  ok(await impostor.signIn({ email: emails[2] ?? '' }));
  const { db } = openDb(t.databaseUrl, 1);
  await impersonate(db, ids.child, ids.admin);
  await db.destroy();
  ok(await impostor.request(`/api/v1/channels/${dm}/read`, { body: { seq: 1 } }));

  const entries = async (query: Record<string, string> = {}) => {
    const res = await admin.request(`/api/v1/audit/entries?${new URLSearchParams(query)}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return json<AuditPage>(res);
  };
  // Every stream's last event is in the read model.
  for (const action of [
    'chat.ChannelRead',
    'play.ChoreDefined',
    'media.MediaSettingsChanged',
    'home.NotificationsRead',
    'audit.AttemptRefused',
  ])
    await eventually(async () => ((await entries({ action })).entries.length > 0 ? true : undefined), {
      what: action,
      timeoutMs: 15_000,
    });
  return {
    t,
    admin,
    member,
    child,
    ids: { ...ids, dm, message: posted.id },
    markers,
    emails,
    editedBetween,
    entries,
    stop: () => t.stop(),
  };
}

async function impersonate(db: Kysely<unknown>, userId: string, by: string) {
  await sql`UPDATE auth.session SET "impersonatedBy" = ${by}
    WHERE id = (SELECT id FROM auth.session WHERE "userId" = ${userId} ORDER BY "createdAt" DESC LIMIT 1)`.execute(
    db,
  );
}

function ok(res: Response) {
  expect(res.status).toBeLessThan(300);
}

async function json<T>(res: Response): Promise<T> {
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return (await res.json()) as T;
}

/** Every entry, following the pages (the default page size). */
export async function everyEntry(f: AuditFamily, query: Record<string, string> = {}): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  let before: string | null = null;
  do {
    const page: AuditPage = await f.entries({ ...query, ...(before ? { before } : {}) });
    out.push(...page.entries);
    before = page.next;
  } while (before);
  return out;
}
