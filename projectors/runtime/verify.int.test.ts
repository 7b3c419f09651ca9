// Verify against real Postgres: a lineage sequence the live version holds as 0 (unknown until
// rebuilt: a column added late, a row an older worker wrote) is no difference whatever the
// rebuild found; a known live sequence that differs, or any other column, still is. A table
// whose columns are all unverified still has its rows counted.
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../test/db.ts';
import { testDatabase } from '../../test/services.ts';
import type { Lineage } from './lineage.ts';
import { compareVersions } from './verify.ts';

const LIVE = 'vf_live';
const REBUILT = 'vf_rebuilt';
const lineage: Lineage = { items: { key: ['id'], seq: 'last_seq' } };
type Item = { id: string; title: string; last_seq: number };

let db: Kysely<unknown>;
let cleanup: () => Promise<void>;

async function versions(live: Item[], rebuilt: Item[]): Promise<void> {
  for (const [schema, rows] of [
    [LIVE, live],
    [REBUILT, rebuilt],
  ] as const) {
    await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db);
    await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(db);
    await sql`CREATE TABLE ${sql.id(schema, 'items')} (id text PRIMARY KEY, title text NOT NULL,
      last_seq bigint NOT NULL DEFAULT 0)`.execute(db);
    for (const r of rows)
      await sql`INSERT INTO ${sql.id(schema, 'items')} VALUES (${r.id}, ${r.title}, ${r.last_seq})`.execute(
        db,
      );
  }
}

const compare = (withLineage = true) =>
  compareVersions({ db, live: LIVE, rebuilt: REBUILT, atSeq: 9, ...(withLineage ? { lineage } : {}) });

beforeAll(async () => {
  const made = await testDatabase();
  const opened = openDb(made.url, 2);
  db = opened.db;
  cleanup = async () => {
    await opened.db.destroy();
    await made.cleanup();
  };
});
afterAll(() => cleanup?.());

describe('verify and lineage sequences', () => {
  it('does not count a live 0 against the sequence a rebuild found', async () => {
    await versions(
      [
        { id: 'a', title: 'A', last_seq: 0 },
        { id: 'b', title: 'B', last_seq: 7 },
      ],
      [
        { id: 'a', title: 'A', last_seq: 4 },
        { id: 'b', title: 'B', last_seq: 7 },
      ],
    );
    expect((await compare()).equal).toBe(true);
    // Without the lineage the same rows differ: the sequence is compared like any column.
    expect((await compare(false)).equal).toBe(false);
  });

  it('still counts a known live sequence that differs, and names it', async () => {
    await versions(
      [
        { id: 'a', title: 'A', last_seq: 0 },
        { id: 'b', title: 'B', last_seq: 5 },
      ],
      [
        { id: 'a', title: 'A', last_seq: 4 },
        { id: 'b', title: 'B', last_seq: 7 },
      ],
    );
    const found = await compare();
    expect(found.equal).toBe(false);
    expect(found.tables[0]?.differences).toEqual([
      { key: { id: 'b' }, kind: 'changed', columns: ['last_seq'] },
    ]);
  });

  it('still counts a rebuilt 0 against a known live sequence, and any other column', async () => {
    await versions([{ id: 'a', title: 'A', last_seq: 3 }], [{ id: 'a', title: 'A', last_seq: 0 }]);
    expect((await compare()).equal).toBe(false);
    await versions([{ id: 'a', title: 'A', last_seq: 0 }], [{ id: 'a', title: 'Z', last_seq: 4 }]);
    const found = await compare();
    expect(found.equal).toBe(false);
    expect(found.tables[0]?.differences).toEqual([{ key: { id: 'a' }, kind: 'changed', columns: ['title'] }]);
  });

  it('still counts a row only one side has', async () => {
    await versions([{ id: 'a', title: 'A', last_seq: 0 }], []);
    const found = await compare();
    expect(found.equal).toBe(false);
    expect(found.tables[0]?.differences).toEqual([{ key: { id: 'a' }, kind: 'live', columns: [] }]);
  });
});

describe('a table whose columns are all unverified', () => {
  const unverified = { items: ['id', 'title', 'last_seq'] };
  const all = () => compareVersions({ db, live: LIVE, rebuilt: REBUILT, atSeq: 9, unverified });

  it('still counts its rows, and names a row only one side has', async () => {
    await versions(
      [
        { id: 'a', title: 'A', last_seq: 1 },
        { id: 'b', title: 'B', last_seq: 2 },
      ],
      [{ id: 'a', title: 'Z', last_seq: 5 }],
    );
    const found = await all();
    expect(found.equal).toBe(false);
    expect(found.tables[0]).toMatchObject({ liveRows: 2, rebuiltRows: 1, equal: false });
    expect(found.tables[0]?.differences).toEqual([{ key: { id: 'b' }, kind: 'live', columns: [] }]);
  });

  it('is equal when both sides hold as many rows, whatever is in them', async () => {
    await versions([{ id: 'a', title: 'A', last_seq: 1 }], [{ id: 'a', title: 'Z', last_seq: 5 }]);
    const found = await all();
    expect(found.equal).toBe(true);
    expect(found.tables[0]).toMatchObject({ liveRows: 1, rebuiltRows: 1 });
  });

  it("leaves a table out whole, row count too, when told ['*']", async () => {
    await versions([{ id: 'a', title: 'A', last_seq: 1 }], []);
    const found = await compareVersions({
      db,
      live: LIVE,
      rebuilt: REBUILT,
      atSeq: 9,
      unverified: { items: ['*'] },
    });
    expect(found).toMatchObject({ equal: true, tables: [] });
  });

  it('is unequal when only one side has the table', async () => {
    await versions([{ id: 'a', title: 'A', last_seq: 1 }], [{ id: 'a', title: 'A', last_seq: 1 }]);
    await sql`DROP TABLE ${sql.id(REBUILT, 'items')}`.execute(db);
    expect((await all()).equal).toBe(false);
  });
});
