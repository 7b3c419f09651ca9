// A rebuild once old events have expired: from the newest baseline that reaches back to the
// first retained event, else refused; and the baselines kept, the last two.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishIdentity, registered } from '../../test/events.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { openLog } from '../../writers/log/open.ts';
import { identityUsersProjection } from '../identity-users/projection.ts';
import { listUsers } from '../identity-users/queries.ts';
import {
  baselineSchema,
  listBaselines,
  recordErasure,
  refreshAfterErasure,
  takeBaseline,
} from './baseline.ts';
import type { ProjectorRunner } from './runner.ts';
import type { AnyProjection } from './types.ts';

const USERS = 'identity_users';
let rt: TestRuntime;
let runner: ProjectorRunner;
const users = () => listUsers(rt.db as never);
const stream = () => rt.log.names.stream('identity');

async function until(probe: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  rt = await openTestRuntime();
  runner = await rt.runner([identityUsersProjection as unknown as AnyProjection]);
});
afterAll(() => rt?.cleanup());

describe('baselines', () => {
  it('copy the tables at their checkpoint, and only the last two are kept', async () => {
    const seq = await publishIdentity(rt.log, registered('ann'));
    expect(await runner.waitFor(USERS, seq, 5000)).toBe(true);
    const first = await takeBaseline(rt.db, USERS);
    expect(first).toMatchObject({ checkpoint: seq, tables: expect.arrayContaining(['users']) });
    const { rows } = await sql<{ id: string }>`
      SELECT id FROM ${sql.id(baselineSchema(USERS), `b${first?.id}_users`)}`.execute(rt.db);
    expect(rows.map((r) => r.id)).toEqual(['ann']);
    await takeBaseline(rt.db, USERS);
    const third = await takeBaseline(rt.db, USERS);
    const kept = await listBaselines(rt.db, USERS);
    expect(kept.map((b) => b.id)).toEqual([third?.id, (third?.id ?? 0) - 1]);
    const { rows: gone } = await sql<{ ok: boolean }>`
      SELECT to_regclass(${`"${baselineSchema(USERS)}".b${first?.id}_users`}) IS NULL AS ok`.execute(rt.db);
    expect(gone[0]?.ok).toBe(true);
  });

  it('are where a rebuild starts once the events before them expired; none reaching back refuses', async () => {
    const bob = await publishIdentity(rt.log, registered('bob'));
    expect(await runner.waitFor(USERS, bob, 5000)).toBe(true);
    const baseline = await takeBaseline(rt.db, USERS);
    expect(baseline?.checkpoint).toBe(bob);
    // The streams now keep a few seconds: everything so far leaves the log.
    await openLog({ nc: rt.log.nc, names: rt.log.names, retentionMs: 3000 });
    await until(async () => (await rt.log.jsm.streams.info(stream())).state.first_seq > bob, 'expiry');
    const cat = await publishIdentity(rt.log, registered('cat'));
    expect(await runner.waitFor(USERS, cat, 5000)).toBe(true);
    const live = await users();
    expect(live.map((u) => u.id).sort()).toEqual(['ann', 'bob', 'cat']);

    // A letter parked below the baseline the rebuild never replays; one above it, it applies.
    const park = (seq: number) =>
      sql<{ id: string }>`
      INSERT INTO hearth.dead_letters (read_model, stream, seq, subject, type, error)
      VALUES (${USERS}, ${stream()}, ${seq}, 'x', 'x', 'failed') RETURNING id`.execute(rt.db);
    const below = (await park(bob)).rows[0]?.id as string;
    const above = (await park(cat)).rows[0]?.id as string;
    const progress = await runner.rebuild(USERS);
    expect(progress).toMatchObject({ status: 'done', remaining: 0 });
    const letters = await runner.deadLetters.list({ readModel: USERS });
    expect(letters.find((d) => d.id === below)).toMatchObject({ status: 'parked', resolvedBy: null });
    expect(letters.find((d) => d.id === above)).toMatchObject({ status: 'retried', resolvedBy: 'rebuild' });
    // Only cat was replayed; ann and bob came from the baseline.
    expect(progress.processed).toBe(1);
    expect(await users()).toEqual(live);

    await sql`DROP SCHEMA ${sql.id(baselineSchema(USERS))} CASCADE`.execute(rt.db);
    await expect(runner.rebuild(USERS)).rejects.toMatchObject({ code: 'conflict' });
    expect(await users()).toEqual(live);
  });
});

describe('baselines after an erasure', () => {
  it('are replaced once the read model has passed it, and kept until then', async () => {
    const dan = await publishIdentity(rt.log, registered('dan'));
    expect(await runner.waitFor(USERS, dan, 5000)).toBe(true);
    const before = await takeBaseline(rt.db, USERS);
    const later = await publishIdentity(rt.log, registered('eve'));
    expect(await runner.waitFor(USERS, later, 5000)).toBe(true);
    // Dan erased at `later`; the read model has applied it: a new copy, the ones before it gone.
    await recordErasure(rt.db, 'identity', 'dan', later);
    const fresh = await refreshAfterErasure(rt.db, USERS, 'identity');
    expect(fresh?.checkpoint).toBeGreaterThanOrEqual(later);
    expect((await listBaselines(rt.db, USERS)).map((b) => b.id)).toEqual([fresh?.id]);
    expect(before?.id).not.toBe(fresh?.id);
    // Nothing more to do for it.
    expect(await refreshAfterErasure(rt.db, USERS, 'identity')).toBeUndefined();
    // An erasure the read model has not reached: nothing is taken, and the copy stays until a
    // newer one can stand in for it (a rebuild always has one to start from).
    await recordErasure(rt.db, 'identity', 'zed', later + 1_000_000);
    expect(await refreshAfterErasure(rt.db, USERS, 'identity')).toBeUndefined();
    expect((await listBaselines(rt.db, USERS)).map((b) => b.id)).toEqual([fresh?.id]);
  });
});
