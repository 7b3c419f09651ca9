// The audit exports and the retention over a whole hub, and the promise the audit log keeps:
// what members wrote to each other never reaches an admin through it.

import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_CSV_COLUMNS, type AuditEntry, type AuditRetention } from '../../contracts/audit.api.ts';
import { DOMAINS } from '../../contracts/subjects.ts';
import { openDb } from '../../test/db.ts';
import { eventually } from '../../test/hub.ts';
import { jsonLine } from './csv.ts';
import { exportStream } from './export.ts';
import { type AuditFamily, everyEntry, startAuditFamily } from './family.fixture.ts';

let f: AuditFamily;
let all: AuditEntry[];
let db: Kysely<unknown>;

beforeAll(async () => {
  f = await startAuditFamily();
  all = await everyEntry(f);
  db = openDb(f.t.databaseUrl, 1).db;
}, 120_000);
afterAll(async () => {
  await db?.destroy();
  await f?.stop();
});

const download = async (query: Record<string, string>) => {
  const res = await f.admin.request(`/api/v1/audit/export?${new URLSearchParams(query)}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return { res, text: await res.text() };
};

/** RFC 4180: quoted cells may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  expect(cell, 'the last line ends with CRLF').toBe('');
  return rows;
}

describe('the audit export', () => {
  it('gives every entry as CSV, with its columns, as an attachment named by the date', async () => {
    const { res, text } = await download({ format: 'csv' });
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="hearth-audit-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual([...AUDIT_CSV_COLUMNS]);
    const at = (name: (typeof AUDIT_CSV_COLUMNS)[number]) => AUDIT_CSV_COLUMNS.indexOf(name);
    expect(rows.map((r) => `${r[at('stream')]}:${r[at('seq')]}`)).toEqual(
      all.map((e) => `${e.stream}:${e.seq}`),
    );
    const edit = rows.find((r) => r[at('action')] === 'chat.MessageEdited') ?? [];
    const entry = all.find((e) => e.action === 'chat.MessageEdited');
    expect(edit[at('at')]).toBe(entry?.at);
    expect(edit[at('actor_name')]).toBe('Mum');
    expect(JSON.parse(edit[at('details')] ?? '')).toEqual(entry?.details);
  });

  it('gives every entry as JSON lines, equal to the entries', async () => {
    const { res, text } = await download({ format: 'jsonl' });
    expect(res.headers.get('content-disposition')).toMatch(
      /filename="hearth-audit-\d{4}-\d{2}-\d{2}\.jsonl"/,
    );
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l))).toEqual(all);
  });

  it('honours the filters', async () => {
    const { text } = await download({ format: 'jsonl', action: 'chat.', actor: f.ids.member });
    const got = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditEntry);
    expect(got).toEqual(all.filter((e) => e.action.startsWith('chat.') && e.actor_id === f.ids.member));
    expect(got.length).toBeGreaterThan(1);
    const none = await download({ format: 'csv', q: 'nothing-has-this' });
    expect(parseCsv(none.text)).toEqual([[...AUDIT_CSV_COLUMNS]]);
  });

  it('refuses a bad format or parameter with a 400', async () => {
    const bad: Record<string, string>[] = [
      {},
      { format: 'xlsx' },
      { format: 'csv', limit: '5' },
      { format: 'csv', from: 'soon' },
    ];
    for (const query of bad) {
      const res = await f.admin.request(`/api/v1/audit/export?${new URLSearchParams(query)}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'invalid_request' });
    }
    expect((await f.member.request('/api/v1/audit/export?format=csv')).status).toBe(403);
  });

  it('stops the query when the client goes away', async () => {
    // A page at a time, one entry a page: the export is still under way after the first.
    const { deps } = f.t.hub;
    const body = await exportStream({
      db: deps.db,
      pool: deps.pool,
      filter: {},
      header: '',
      line: jsonLine,
      logger: deps.logger,
      page: 1,
    });
    const reader = body.getReader();
    expect((await reader.read()).done).toBe(false);
    const open = async () =>
      Number(
        (
          await sql<{ n: string }>`SELECT count(*) AS n FROM pg_stat_activity
            WHERE datname = current_database() AND query LIKE '%audit_export%' AND pid <> pg_backend_pid()
              AND state LIKE 'idle in transaction%'`.execute(db)
        ).rows[0]?.n,
      );
    expect(await open()).toBe(1);
    await reader.cancel();
    await eventually(async () => ((await open()) === 0 ? true : undefined), { what: 'the cursor closed' });
  });
});

describe('what members wrote', () => {
  it('never appears: not in the entries, the search, or either export; nor their emails', async () => {
    const hidden = [...f.markers, ...f.emails];
    const seen = [JSON.stringify(all)];
    for (const marker of f.markers) {
      const found = await f.entries({ q: marker });
      expect(found.entries).toEqual([]);
      seen.push(JSON.stringify(found));
    }
    seen.push((await download({ format: 'csv' })).text, (await download({ format: 'jsonl' })).text);
    for (const text of seen) for (const h of hidden) expect(text).not.toContain(h);
    // While the edit itself is there, with its time.
    const edits = all.filter((e) => e.action === 'chat.MessageEdited');
    expect(edits).toHaveLength(1);
    expect(Date.parse(edits[0]?.at ?? '')).toBeGreaterThanOrEqual(f.editedBetween[0].getTime());
  });
});

describe('the retention', () => {
  it('gives 365 days and each stream as the log holds it', async () => {
    const res = await f.admin.request('/api/v1/audit/retention');
    expect(res.status).toBe(200);
    const body = (await res.json()) as AuditRetention;
    expect(body.retention_days).toBe(365);
    expect(body.streams.map((s) => s.stream)).toEqual(DOMAINS.map((d) => d.toUpperCase()));
    for (const s of body.streams) {
      const seqs = all.filter((e) => e.stream === s.stream).map((e) => e.seq);
      // A domain the family has not used yet (no preferences changed, nobody asked the assistant).
      if (seqs.length === 0) expect(s.messages).toBe(0);
      else {
        const last = Math.max(...seqs);
        expect(s).toMatchObject({
          first_seq: 1,
          last_seq: last,
          messages: last,
          first_at: expect.any(String),
        });
      }
    }
    const firsts = body.streams.flatMap((s) => (s.first_at ? [s.first_at] : [])).sort();
    expect(body.oldest).toBe(firsts[0]);
  });
});
