import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityEvent } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { publishIdentity, signedIn } from '../../test/events.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import type { Log } from '../../writers/log/open.ts';
import type { ProjectorRunner } from './runner.ts';
import type { AnyProjection, Projection } from './types.ts';

// A read model that records every session id it sees; some ids misbehave on purpose.
let flakyLeft = 2;
const sessions: Projection<{ seen: { seq: number; session: string } }, IdentityEvent> = {
  name: 'sessions_seen',
  domain: 'identity',
  migrations: {
    '20261122T1700_seen': {
      up: async (db) => {
        await db.schema
          .createTable('seen')
          .addColumn('seq', 'bigint', (c) => c.primaryKey())
          .addColumn('session', 'text')
          .execute();
      },
    },
  },
  apply: async (events, { db }) => {
    for (const e of events) {
      if (e.event.case !== 'signedIn') continue;
      const session = e.event.value.sessionId;
      if (session === 'poison') throw new Error('cannot project this one');
      if (session === 'flaky' && flakyLeft-- > 0)
        throw Object.assign(new Error('could not serialize access'), { code: '40001' });
      await db.insertInto('seen').values({ seq: e.seq, session }).execute();
    }
  },
};

let rt: TestRuntime;
let db: Kysely<unknown>;
let log: Log;
let runner: ProjectorRunner;
const seen = async () =>
  (await sql<{ session: string }>`SELECT session FROM sessions_seen.seen ORDER BY seq`.execute(db)).rows.map(
    (r) => r.session,
  );

beforeAll(async () => {
  rt = await openTestRuntime();
  ({ db, log } = rt);
  runner = await rt.runner([sessions as unknown as AnyProjection]);
});
afterAll(() => rt.cleanup());

describe('a poison event', () => {
  it('is parked as a dead letter and the projection goes on', async () => {
    await publishIdentity(log, signedIn('u', 'a'));
    const poisonSeq = await publishIdentity(log, signedIn('u', 'poison'));
    const last = await publishIdentity(log, signedIn('u', 'b'));
    expect(await runner.waitFor('sessions_seen', last, 5000)).toBe(true);
    expect(await seen()).toEqual(['a', 'b']);
    const [letter] = await runner.deadLetters.list({ readModel: 'sessions_seen' });
    expect(letter).toMatchObject({
      seq: poisonSeq,
      type: 'hearth.identity.v1.SignedIn',
      error: 'cannot project this one',
      status: 'parked',
    });
    expect((await runner.status())[0]).toMatchObject({ deadLetters: 1, lag: 0 });
  });

  it('can be skipped by an admin, once', async () => {
    const [letter] = await runner.deadLetters.list({ readModel: 'sessions_seen', status: 'parked' });
    const skipped = await runner.deadLetters.resolve({
      id: letter?.id as string,
      action: 'skip',
      by: 'admin1',
    });
    expect(skipped).toMatchObject({ status: 'skipped', resolvedBy: 'admin1' });
    await expect(
      runner.deadLetters.resolve({ id: letter?.id as string, action: 'skip', by: 'admin1' }),
    ).rejects.toMatchObject({ code: 'conflict' });
  });

  it('stays parked when a retry fails again, and applies when the cause is fixed', async () => {
    const seq = await publishIdentity(log, signedIn('u', 'poison'));
    await runner.waitFor('sessions_seen', seq, 5000);
    const letter = (await runner.deadLetters.list({ readModel: 'sessions_seen', status: 'parked' })).find(
      (d) => d.seq === seq,
    );
    const again = await runner.deadLetters.resolve({
      id: letter?.id as string,
      action: 'retry',
      by: 'admin1',
    });
    expect(again).toMatchObject({ status: 'parked', attempts: 2 });
    // "Fix the bug": the projection now accepts it.
    const original = sessions.apply;
    sessions.apply = async (events, ctx) => {
      for (const e of events)
        if (e.event.case === 'signedIn')
          await ctx.db
            .insertInto('seen')
            .values({ seq: e.seq, session: `fixed-${e.event.value.sessionId}` })
            .execute();
    };
    try {
      expect(
        await runner.deadLetters.resolve({ id: letter?.id as string, action: 'retry', by: 'admin1' }),
      ).toMatchObject({ status: 'retried' });
      expect(await seen()).toContain('fixed-poison');
    } finally {
      sessions.apply = original;
    }
  });
});

describe('a transient failure', () => {
  it('is retried with backoff until it succeeds, without parking anything', async () => {
    const seq = await publishIdentity(log, signedIn('u', 'flaky'));
    expect(await runner.waitFor('sessions_seen', seq, 10_000)).toBe(true);
    expect(flakyLeft).toBeLessThan(0);
    expect(await seen()).toContain('flaky');
    expect(
      (await runner.deadLetters.list({ readModel: 'sessions_seen' })).filter((d) => d.seq === seq),
    ).toEqual([]);
  });
});

// The same read model written as one statement per batch: the live worker then sends each
// batch whole, BEGIN to COMMIT, on a guess of the checkpoint (see pipeline.ts).
const oneShot: Projection<{ seen: { seq: number; session: string } }, IdentityEvent> = {
  name: 'sessions_one_shot',
  domain: 'identity',
  migrations: sessions.migrations,
  apply: async (events, ctx) => {
    const statement = oneShot.batchStatement?.(events, ctx);
    if (statement) await ctx.db.executeQuery(statement);
  },
  batchStatement: (events, { db, schema }) => {
    const rows = events.flatMap((e) =>
      e.event.case === 'signedIn' ? [{ seq: e.seq, session: e.event.value.sessionId }] : [],
    );
    if (rows.length === 0) return null;
    // 'poison' fails the cast: the whole statement fails, as a bad row would.
    const seqs = rows.map((r) => r.seq);
    const ids = rows.map((r) => r.session);
    return sql`INSERT INTO ${sql.table(`${schema}.seen`)} (seq, session)
      SELECT seq, CASE WHEN session = 'poison' THEN session::int::text ELSE session END
      FROM unnest(${seqs}::bigint[], ${ids}::text[]) AS r(seq, session)`.compile(db);
  },
};

describe('a read model written one statement per batch', () => {
  let oneShotRunner: ProjectorRunner;
  const seenOneShot = async () =>
    (
      await sql<{ session: string }>`SELECT session FROM sessions_one_shot.seen ORDER BY seq`.execute(db)
    ).rows.map((r) => r.session);

  beforeAll(async () => {
    oneShotRunner = await rt.runner([oneShot as unknown as AnyProjection]);
  });

  it('parks a poison event and applies the rest of its batch', async () => {
    const first = await publishIdentity(log, signedIn('u', 'one-a'));
    expect(await oneShotRunner.waitFor('sessions_one_shot', first, 5000)).toBe(true);
    const poisonSeq = await publishIdentity(log, signedIn('u', 'poison'));
    const last = await publishIdentity(log, signedIn('u', 'one-b'));
    expect(await oneShotRunner.waitFor('sessions_one_shot', last, 5000)).toBe(true);
    expect(await seenOneShot()).toEqual(expect.arrayContaining(['one-a', 'one-b']));
    expect(await seenOneShot()).not.toContain('poison');
    const letters = await oneShotRunner.deadLetters.list({ readModel: 'sessions_one_shot' });
    expect(letters.map((l) => l.seq)).toContain(poisonSeq);
  });

  it('skips events below a checkpoint that moved behind its back', async () => {
    const before = await publishIdentity(log, signedIn('u', 'one-c'));
    expect(await oneShotRunner.waitFor('sessions_one_shot', before, 5000)).toBe(true);
    // As a rebuild's switch does: hold the checkpoint row while the next event arrives, and
    // move the checkpoint past it. The worker's batch waits on the row, then must skip it.
    await db.transaction().execute(async (tx) => {
      await sql`SELECT 1 FROM hearth.checkpoints WHERE read_model = 'sessions_one_shot' FOR UPDATE`.execute(
        tx,
      );
      const skipped = await publishIdentity(log, signedIn('u', 'one-skipped'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      await sql`UPDATE hearth.checkpoints SET last_seq = ${skipped} WHERE read_model = 'sessions_one_shot'`.execute(
        tx,
      );
    });
    const after = await publishIdentity(log, signedIn('u', 'one-d'));
    expect(await oneShotRunner.waitFor('sessions_one_shot', after, 5000)).toBe(true);
    expect(await seenOneShot()).toContain('one-d');
    expect(await seenOneShot()).not.toContain('one-skipped');
  });
});

describe('a leader whose lock connection is lost', () => {
  it('stops its worker, takes the lead again and goes on, without the process failing', async () => {
    const lead = { ...sessions, name: 'sessions_lead' };
    // A short ack wait: what the stopped worker had asked for is redelivered after it.
    const leadRunner = await rt.runner([lead as unknown as AnyProjection], { ackWaitMs: 1000 });
    const before = await publishIdentity(log, signedIn('u', 'lead-a'));
    expect(await leadRunner.waitFor('sessions_lead', before, 5000)).toBe(true);
    // The lock's backend, ended as a database restart or an operator would end it.
    const ended = await sql<{ ended: boolean }>`
      SELECT pg_terminate_backend(pid) AS ended FROM pg_locks
      WHERE locktype = 'advisory' AND granted AND objsubid = 1
        AND objid::bigint = (hashtext('hearth.projector.sessions_lead')::bigint & 4294967295)
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`.execute(db);
    expect(ended.rows).toEqual([{ ended: true }]);
    const after = await publishIdentity(log, signedIn('u', 'lead-b'));
    expect(await leadRunner.waitFor('sessions_lead', after, 10_000)).toBe(true);
    const rows = await sql<{ session: string }>`SELECT session FROM sessions_lead.seen ORDER BY seq`.execute(
      db,
    );
    expect(rows.rows.map((r) => r.session)).toEqual(expect.arrayContaining(['lead-a', 'lead-b']));
    const status = (await leadRunner.status()).find((s) => s.name === 'sessions_lead');
    expect(status?.leader).toBe(true);
  });
});

describe('a read model that opens a transaction of its own', () => {
  it('fails the event instead of ending the batch transaction early', async () => {
    const nested: Projection<{ seen: { seq: number; session: string } }, IdentityEvent> = {
      name: 'sessions_nested',
      domain: 'identity',
      migrations: sessions.migrations,
      apply: async (events, { db }) => {
        await db.transaction().execute(async (tx) => {
          for (const e of events) await tx.insertInto('seen').values({ seq: e.seq, session: 'x' }).execute();
        });
      },
    };
    const runner = await rt.runner([nested as unknown as AnyProjection]);
    const seq = await publishIdentity(log, signedIn('u', 'nested'));
    expect(await runner.waitFor('sessions_nested', seq, 5000)).toBe(true);
    const rows = await sql<{ n: string }>`SELECT count(*) AS n FROM sessions_nested.seen`.execute(db);
    expect(Number(rows.rows[0]?.n)).toBe(0);
    const letters = await runner.deadLetters.list({ readModel: 'sessions_nested' });
    expect(letters.map((l) => l.seq)).toContain(seq);
  });
});
