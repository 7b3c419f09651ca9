import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityEvent } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { publishIdentity, signedIn } from '../../test/events.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import type { Log } from '../../writers/log.ts';
import type { ProjectorRunner } from '../runner.ts';
import type { AnyProjection, Projection } from '../types.ts';

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
