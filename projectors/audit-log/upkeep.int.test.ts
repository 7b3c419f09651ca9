// The audit read model's upkeep on real services: entries go when the log drops their events,
// so the live rows equal a rebuild after expiry; and rows built with another plan of marked
// fields are rebuilt.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import type { RebuildOptions } from '../runtime/rebuild.ts';
import type { ProjectorRunner } from '../runtime/runner.ts';
import type { AnyProjection } from '../runtime/types.ts';
import { publish } from './events.fixture.ts';
import { ensurePlans, planDescription, planHash, storedPlan, writePlan } from './plan.ts';
import { auditLogProjections } from './projection.ts';
import { pruneExpired } from './prune.ts';

const NANOS_PER_MS = 1_000_000;
let rt: TestRuntime;
let runner: ProjectorRunner;

beforeAll(async () => {
  rt = await openTestRuntime();
  runner = await rt.runner(auditLogProjections as unknown as AnyProjection[]);
}, 60_000);
afterAll(() => rt?.cleanup());

const joined = (channelId: string) =>
  publish(rt.log, 'chat', rt.log.names.chat.members(channelId), {
    case: 'memberJoined',
    value: { channelId, userId: 'kid', addedBy: 'ann' },
  });
const seqs = async () =>
  (await sql<{ seq: string }>`SELECT seq FROM audit_log_chat.entries ORDER BY seq`.execute(rt.db)).rows.map(
    (r) => Number(r.seq),
  );

async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((r) => setImmediate(r));
  }
}

describe('when the log drops expired events', () => {
  it('deletes their entries, and a rebuild gives the same rows', async () => {
    await joined('c1');
    const second = await joined('c2');
    expect(await runner.waitFor('audit_log_chat', second, 5000)).toBe(true);
    expect(await seqs()).toEqual([1, 2]);

    // The stream keeps one second for a while: both events expire.
    const stream = rt.log.names.stream('chat');
    const { config } = await rt.log.jsm.streams.info(stream);
    await rt.log.jsm.streams.update(stream, {
      max_age: 1000 * NANOS_PER_MS,
      duplicate_window: 1000 * NANOS_PER_MS,
    });
    const first = await until(async () => {
      const { state } = await rt.log.jsm.streams.info(stream);
      return state.first_seq > 2 ? state.first_seq : undefined;
    });
    await rt.log.jsm.streams.update(stream, {
      max_age: config.max_age,
      duplicate_window: config.duplicate_window,
    });
    const third = await joined('c3');
    expect(await runner.waitFor('audit_log_chat', third, 5000)).toBe(true);

    expect(await pruneExpired(rt.db, { schema: 'audit_log_chat', firstSeq: first })).toBe(2);
    expect(await seqs()).toEqual([3]);
    expect(await runner.rebuild('audit_log_chat')).toMatchObject({ status: 'done' });
    expect(await seqs()).toEqual([3]);
  });
});

describe('the plan of marked fields', () => {
  it('names every event type and its marked fields, so a change of marks changes its hash', () => {
    const chat = planDescription('chat');
    expect(chat).toContain(
      'chat.MessageEdited channel_id:scalar message_id:scalar editor_id:scalar mention_ids:list',
    );
    expect(chat.join('\n')).not.toMatch(/ content:/);
    expect(planHash('chat')).toMatch(/^[0-9a-f]{64}$/);
    expect(planHash('chat')).not.toBe(planHash('media'));
  });

  it('rebuilds the rows built with another plan, then records the new one', async () => {
    const rebuilds: string[] = [];
    const projectors = {
      rebuild: async (name: string, options?: RebuildOptions) => {
        rebuilds.push(name);
        return runner.rebuild(name, options);
      },
    };
    // The first check: chat has rows built before plans were kept (none recorded); the others are empty.
    await sql`DELETE FROM audit_log_chat.plan`.execute(rt.db);
    expect(await ensurePlans({ db: rt.db, projectors })).toEqual(['audit_log_chat']);
    expect(await storedPlan(rt.db, 'audit_log_chat')).toBe(planHash('chat'));
    expect(await storedPlan(rt.db, 'audit_log_play')).toBe(planHash('play'));
    expect(await ensurePlans({ db: rt.db, projectors })).toEqual([]);
    // Marks changed since the rows were built: the stored hash is another one.
    await writePlan(rt.db, 'audit_log_play', 'the hash of other marks');
    await sql`INSERT INTO audit_log_play.entries (seq, at, action, target, outcome, count, details)
      VALUES (99, now(), 'play.Stale', 'play.match.x', 'ok', 1, '{"unmarked":"now"}')`.execute(rt.db);
    expect(await ensurePlans({ db: rt.db, projectors })).toEqual(['audit_log_play']);
    expect(await storedPlan(rt.db, 'audit_log_play')).toBe(planHash('play'));
    expect((await sql`SELECT seq FROM audit_log_play.entries`.execute(rt.db)).rows).toEqual([]);
    expect(rebuilds).toEqual(['audit_log_chat', 'audit_log_play']);
  });
});
