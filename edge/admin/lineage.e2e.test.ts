// Lineage over a whole hub: a read model's tables and rows (keys and sequences only), and a row
// followed to the event that last touched it and to its aggregate's history. A message posted
// then edited: its chat_messages row names the edit, which is MessageEdited, and its
// aggregate's history holds both. Hostile parameters are refused with the envelope.
// The registry is held to the tables the hub's own read models' migrations made: every table is
// declared (or named here as made by no event), its key is the primary key, and its sequence a
// bigint never null; the read models are the hub's, so a new one cannot be left out.
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AggregateAt, LineageRows, LineageTables, RowLineage } from '../../contracts/inspect.api.ts';
import { DOMAINS } from '../../contracts/subjects.ts';
import { startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';

let t: TestHub;
let admin: TestClient;
let member: TestClient;
const made = { channel: '', bob: '', message: '', posted: 0, edited: 0 };

async function ok<T>(res: Response | Promise<Response>): Promise<T> {
  const r = await res;
  const body = await r.json();
  if (r.status >= 300) throw new Error(`${r.status}: ${JSON.stringify(body)}`);
  return body as T;
}
const get = <T>(path: string, who = admin) => ok<T>(who.request(`/api/v1${path}`));
const q = encodeURIComponent;

beforeAll(async () => {
  t = await startTestHub();
  admin = t.client();
  await admin.signUp({ email: 'ann@family.test', name: 'Ann' });
  member = t.client();
  await member.signUp({ email: 'bob@family.test', name: 'Bob' });
  const channel = await ok<{ id: string }>(admin.request('/api/v1/channels', { body: { name: 'Lineage' } }));
  made.channel = channel.id;
  made.bob = (await member.me()).id;
  await ok(admin.request(`/api/v1/channels/${channel.id}/members`, { body: { user_id: made.bob } }));
  const posted = await ok<{ id: string; seq: number }>(
    admin.request('/api/v1/messages', { body: { channel: channel.id, content: 'first words' } }),
  );
  made.message = posted.id;
  made.posted = posted.seq;
  const edited = await ok<{ seq: number }>(
    admin.request(`/api/v1/channels/${channel.id}/messages/${posted.id}`, {
      method: 'PATCH',
      body: { content: 'second thoughts' },
    }),
  );
  made.edited = edited.seq;
  // Every read model the tests read has taken all of its stream written so far.
  for (const [domain, names] of [
    ['chat', ['chat_messages', 'chat_channels']],
    ['identity', ['identity_users']],
  ] as const) {
    const { log, projectors } = t.hub.deps;
    const { state } = await log.jsm.streams.info(log.names.stream(domain));
    for (const name of names) expect(await projectors.waitFor(name, state.last_seq, 5000), name).toBe(true);
  }
});
afterAll(async () => {
  await t?.stop();
});

describe('a read model’s tables and rows', () => {
  it('are known for every read model, none for a reactor', async () => {
    const models = await get<{ name: string; kind: string }[]>('/admin/read-models');
    for (const m of models) {
      const res = await admin.request(`/api/v1/admin/read-models/${m.name}/tables`);
      expect(res.status, m.name).toBe(m.kind === 'read-model' ? 200 : 404);
    }
  });

  it('names each event-made table with its key and sequence column', async () => {
    const tables = await get<LineageTables>('/admin/read-models/chat_messages/tables');
    expect(tables).toMatchObject({ readModel: 'chat_messages', domain: 'chat' });
    expect(tables.tables).toEqual([{ name: 'messages', key: ['channel_id', 'id'], seqColumn: 'last_seq' }]);
  });

  it('pages rows by key, showing keys and sequences but never the words', async () => {
    const page = await get<LineageRows>(`/admin/read-models/chat_messages/rows?table=messages`);
    expect(page.key).toEqual(['channel_id', 'id']);
    expect(page.rows).toContainEqual({ key: [made.channel, made.message], lastSeq: made.edited });
    expect(JSON.stringify(page)).not.toContain('second thoughts');
    // Key order, and a next page only when there is one.
    const keys = page.rows.map((r) => r.key.join('\u0000'));
    expect(keys).toEqual([...keys].sort());
    expect(page.next).toBeNull();
    const after = await get<LineageRows>(
      `/admin/read-models/identity_users/rows?table=users&after=${q(JSON.stringify(['']))}`,
    );
    expect(after.rows.length).toBe(2);
  });
});

describe('a row’s lineage', () => {
  it('leads from the edited message’s row to MessageEdited and to its aggregate’s history', async () => {
    const key = q(JSON.stringify([made.channel, made.message]));
    const lineage = await get<RowLineage>(
      `/admin/read-models/chat_messages/lineage?table=messages&key=${key}`,
    );
    expect(lineage.lastSeq).toBe(made.edited);
    expect(lineage.event).toMatchObject({ seq: made.edited, type: 'hearth.chat.v1.MessageEdited' });
    // Browsing the stream at that sequence shows the same event.
    expect(lineage.event?.personal?.status).toBe('withheld');
    expect(lineage.aggregate).toEqual({
      domain: 'chat',
      type: 'message',
      id: `${made.channel}:${made.message}`,
    });
    const a = lineage.aggregate as NonNullable<RowLineage['aggregate']>;
    const history = await get<AggregateAt>(`/admin/aggregates/${a.domain}/${a.type}/${a.id}`);
    expect(history.history.events.map((e) => [e.seq, e.type])).toEqual([
      [made.posted, 'hearth.chat.v1.MessagePosted'],
      [made.edited, 'hearth.chat.v1.MessageEdited'],
    ]);
    expect(history.version).toBe(made.edited);
  });

  it('leads a channel’s membership row to its aggregate, the channel', async () => {
    const key = q(JSON.stringify([made.channel, made.bob]));
    const lineage = await get<RowLineage>(
      `/admin/read-models/chat_channels/lineage?table=members&key=${key}`,
    );
    expect(lineage.event).toMatchObject({ seq: lineage.lastSeq, type: 'hearth.chat.v1.MemberJoined' });
    expect(lineage.aggregate).toEqual({ domain: 'chat', type: 'channel', id: made.channel });
  });

  it('links each browsed event to its aggregate', async () => {
    const page = await get<{ events: { seq: number; aggregate?: unknown }[] }>(
      `/admin/streams/chat/events?from_seq=${made.edited}&limit=1`,
    );
    expect(page.events[0]).toMatchObject({
      seq: made.edited,
      aggregate: { domain: 'chat', type: 'message', id: `${made.channel}:${made.message}` },
    });
  });
});

describe('hostile parameters', () => {
  const messages = '/admin/read-models/chat_messages';
  const key = (v: unknown) => `key=${q(JSON.stringify(v))}`;
  it.each([
    ['an unknown read model', '/admin/read-models/nosuch/tables', 404],
    ['a reactor', '/admin/read-models/chat_family/tables', 404],
    ['an unknown table', `${messages}/rows?table=nosuch`, 404],
    ['the plan, which no event makes', '/admin/read-models/audit_log_chat/rows?table=plan', 404],
    ['a table name with SQL in it', `${messages}/rows?table=${q('messages; drop table x')}`, 400],
    ['a prototype key as table', `${messages}/rows?table=constructor`, 404],
    ['no table', `${messages}/rows`, 400],
    ['an unknown parameter', `${messages}/rows?table=messages&column=content`, 400],
    ['a key that is no JSON', `${messages}/lineage?table=messages&key=${q('[nope')}`, 400],
    ['a key of the wrong length', `${messages}/lineage?table=messages&${key(['a'])}`, 400],
    ['a key of numbers', `${messages}/lineage?table=messages&${key([1, 2])}`, 400],
    ['a key with NUL', `${messages}/lineage?table=messages&${key(['a\u0000', 'b'])}`, 400],
    ['a lone surrogate', `${messages}/lineage?table=messages&${key(['\ud800', 'b'])}`, 400],
    ['a huge key', `${messages}/lineage?table=messages&${key(['a'.repeat(3000), 'b'])}`, 400],
    ['a word for a number', `/admin/read-models/audit_log_chat/lineage?table=entries&${key(['one'])}`, 400],
    ['a row that is not there', `${messages}/lineage?table=messages&${key(['nosuch', 'nosuch'])}`, 404],
    ['a bad page key', `${messages}/rows?table=messages&after=${q('{}')}`, 400],
  ])('refuses %s', async (_what, path, status) => {
    const res = await admin.request(`/api/v1${path}`);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ code: expect.any(String), error: expect.any(String) });
  });

  it('answers members 403', async () => {
    expect((await member.request('/api/v1/admin/read-models/chat_messages/tables')).status).toBe(403);
  });
});

/** Tables no event makes: the audit log's plan is the code's. */
const NOT_EVENT_MADE: Record<string, string[]> = Object.fromEntries(
  DOMAINS.map((d) => [`audit_log_${d}`, ['plan']]),
);

describe('every read model’s lineage registry', () => {
  const db = () => t.hub.deps.db as Kysely<unknown>;
  const tablesOf = async (schema: string) => {
    const { rows } = await sql<{ t: string }>`
      SELECT tablename AS t FROM pg_tables WHERE schemaname = ${schema} AND tablename NOT LIKE 'kysely\\_%'
      ORDER BY 1`.execute(db());
    return rows.map((r) => r.t);
  };
  const primaryKey = async (schema: string, table: string) => {
    const { rows } = await sql<{ name: string }>`
      SELECT a.attname AS name FROM pg_index i
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = ${`"${schema}"."${table}"`}::regclass AND i.indisprimary
      ORDER BY array_position(i.indkey::int2[], a.attnum)`.execute(db());
    return rows.map((r) => r.name);
  };
  const column = async (schema: string, table: string, name: string) => {
    const { rows } = await sql<{ type: string; nullable: string }>`
      SELECT data_type AS type, is_nullable AS nullable FROM information_schema.columns
      WHERE table_schema = ${schema} AND table_name = ${table} AND column_name = ${name}`.execute(db());
    return rows[0];
  };

  it('declares each event-made table of each of the hub’s read models', async () => {
    const { projectors } = t.hub.deps;
    const models = (await projectors.status()).filter((s) => s.kind === 'read-model').map((s) => s.name);
    expect(models).toContain('chat_messages');
    const lineage = new Map(projectors.lineage().map((m) => [m.name, m.tables]));
    for (const name of models) {
      const tables = lineage.get(name) ?? {};
      const made = (await tablesOf(name)).filter((x) => !(NOT_EVENT_MADE[name] ?? []).includes(x));
      expect(Object.keys(tables).sort(), name).toEqual(made);
      for (const [table, spec] of Object.entries(tables)) {
        expect(await primaryKey(name, table), `${name}.${table}`).toEqual([...spec.key]);
        expect(await column(name, table, spec.seq), `${name}.${table}.${spec.seq}`).toEqual({
          type: 'bigint',
          nullable: 'NO',
        });
      }
    }
  });
});
