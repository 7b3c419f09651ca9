import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES, type RuleSet } from '../../contracts/play.schema.ts';
import { testNats } from '../../test/services.ts';
import { type CommandMeta, createAppender } from '../log/append.ts';
import { type Log, openLog } from '../log/open.ts';
import { createPlayWriter, type PlayWriter } from './commands.ts';
import { newId } from './ids.ts';
import { createPlayReader, type PlayReader } from './load.ts';

let services: Awaited<ReturnType<typeof testNats>>;
let log: Log;
let edgeA: PlayWriter;
let edgeB: PlayWriter;
let reader: PlayReader;
const NOW = new Date('2025-03-16T23:30:00Z'); // Sunday in UTC, Monday 00:30 in Paris
const meta = (actorId = 'ann', commandId: string = randomUUID(), now = NOW): CommandMeta => ({
  commandId,
  actorId,
  correlationId: 'test',
  now,
});
// Each "edge process" has its own appender and reader caches.
const writerFor = () =>
  createPlayWriter({ appender: createAppender({ log }), reader: createPlayReader({ log }) });

beforeAll(async () => {
  services = await testNats();
  log = await openLog({ nc: services.nc, names: services.names });
  edgeA = writerFor();
  edgeB = writerFor();
  reader = createPlayReader({ log });
});
afterAll(() => services.cleanup());

/** How many events the play stream holds on one subject. */
async function eventsOn(subject: string): Promise<number> {
  const info = await log.jsm.streams.info(log.names.stream('play'), { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
}

describe('matches', () => {
  it('count once the other player confirms a report', async () => {
    const matchId = newId();
    const reported = await edgeA.reportMatch(
      {
        matchId,
        game: 'Mario Kart',
        placements: [
          { userId: 'ann', place: 1 },
          { userId: 'bob', place: 2 },
        ],
        by: 'ann',
        canManage: false,
      },
      meta('ann'),
    );
    expect(reported.appended).toBe(1);
    const confirmed = await edgeB.confirmMatch({ matchId, by: 'bob', canManage: false }, meta('bob'));
    expect(confirmed.appended).toBe(2);
    const { state } = await reader.match(matchId);
    expect(state).toMatchObject({
      status: 'settled',
      game: 'mario-kart',
      gameName: 'Mario Kart',
      confirmations: ['bob'],
      expiresAt: NOW.getTime() + 7 * 24 * 60 * 60 * 1000,
    });
    // Edge A decided on its cached state first: the lost race reads as a conflict, with the reason.
    await expect(edgeA.rejectMatch({ matchId, by: 'ann', canManage: false }, meta())).rejects.toMatchObject({
      code: 'conflict',
      details: { reason: 'play.match_settled' },
    });
    await expect(edgeA.rejectMatch({ matchId, by: 'ann', canManage: false }, meta())).rejects.toMatchObject({
      code: 'play.match_settled',
    });
  });

  it('answers an id that cannot name a match as not found', async () => {
    await expect(reader.match('no.such')).rejects.toMatchObject({ code: 'play.match_not_found' });
    await expect(
      edgeA.confirmMatch({ matchId: '*', by: 'bob', canManage: false }, meta()),
    ).rejects.toMatchObject({ code: 'play.match_not_found', status: 404 });
  });
});

describe('rules', () => {
  const withMessageXp = (xp: number): RuleSet => ({
    ...DEFAULT_RULES,
    xp: DEFAULT_RULES.xp.map((r) => (r.id === 'message' ? { ...r, xp } : r)),
  });

  it('refuse a stale expected version with a 409, from any edge', async () => {
    expect((await reader.rules()).state.version).toBe(1);
    const first = await edgeA.publishRules(
      { rules: withMessageXp(2), expectedVersion: 1, by: 'admin' },
      meta(),
    );
    expect(first).toMatchObject({ appended: 1, version: 2 });
    for (const edge of [edgeA, edgeB]) {
      await expect(
        edge.publishRules({ rules: withMessageXp(3), expectedVersion: 1, by: 'admin' }, meta()),
      ).rejects.toMatchObject({ code: 'conflict', status: 409 });
    }
    const { state } = await reader.rules();
    expect(state.version).toBe(2);
    expect(state.rules.xp.find((r) => r.id === 'message')).toMatchObject({ version: 2, xp: 2 });
  });

  it('publish on a version another edge published', async () => {
    const current = (await reader.rules()).state.version;
    await edgeB.publishRules({ rules: withMessageXp(4), expectedVersion: current, by: 'admin' }, meta());
    // Edge A's cache says `current`: the refusal on cached state is retried on fresh state.
    const next = await edgeA.publishRules(
      { rules: withMessageXp(5), expectedVersion: current + 1, by: 'admin' },
      meta(),
    );
    expect(next).toMatchObject({ appended: 1, version: current + 2 });
    const again = await edgeB.publishRules(
      { rules: withMessageXp(5), expectedVersion: current + 2, by: 'admin' },
      meta(),
    );
    expect(again).toMatchObject({ appended: 0, version: current + 2 });
  });
});

describe('chores', () => {
  it('are done once per member and day in the family time zone', async () => {
    await edgeA.changeSettings({ timeZone: 'Europe/Paris', by: 'admin' }, meta('admin'));
    await edgeA.defineChore(
      { choreId: 'dishes', title: 'Dishes', points: 10, recurrence: 'daily', by: 'admin' },
      meta(),
    );
    // Edge B never appended to the settings or the chore: it reads them fresh.
    const done = await edgeB.markChoreDone({ choreId: 'dishes', memberId: 'ann' }, meta('ann'));
    expect(done).toMatchObject({ appended: 1, completionId: '2025-03-17_ann', period: '2025-03-17' });
    await expect(
      edgeA.markChoreDone({ choreId: 'dishes', memberId: 'ann' }, meta('ann')),
    ).rejects.toMatchObject({
      code: 'play.already_done',
    });
    const approved = await edgeA.approveCompletion(
      { choreId: 'dishes', completionId: done.completionId, by: 'admin', canManage: true },
      meta('admin'),
    );
    expect(approved.appended).toBe(1);
    expect((await reader.completion('dishes', done.completionId)).state).toMatchObject({
      status: 'approved',
      points: 10,
    });
  });

  it('cannot be marked done once retired through another edge', async () => {
    await edgeA.defineChore(
      { choreId: 'car', title: 'Car', points: 20, recurrence: 'weekly', by: 'admin' },
      meta(),
    );
    await edgeB.markChoreDone({ choreId: 'car', memberId: 'bob' }, meta('bob'));
    await edgeB.retireChore({ choreId: 'car', by: 'admin' }, meta('admin'));
    await expect(edgeA.markChoreDone({ choreId: 'car', memberId: 'ann' }, meta())).rejects.toMatchObject({
      code: 'play.chore_retired',
    });
    await expect(edgeA.markChoreDone({ choreId: 'nope', memberId: 'ann' }, meta())).rejects.toMatchObject({
      code: 'play.chore_not_found',
    });
  });
});

describe('challenge rewards', () => {
  it('are appended exactly once, whatever the command ids', async () => {
    const created = await edgeA.createChallenge(
      { challengeId: 'talk', title: 'Talk', metric: 'messages_sent', target: 5, rewardXp: 40, by: 'admin' },
      meta('admin'),
    );
    expect(created.week).toBe('2025-03-17'); // this week in Paris
    const reward = { challengeId: 'talk', memberId: 'ann' };
    const commandId = randomUUID();
    const first = await edgeA.completeChallenge(reward, meta('', commandId));
    expect(first).toMatchObject({ appended: 1, duplicate: false });
    const retried = await edgeB.completeChallenge(reward, meta('', commandId));
    expect(retried).toMatchObject({ seq: first.seq, duplicate: true });
    const again = await edgeB.completeChallenge(reward, meta());
    expect(again).toMatchObject({ seq: first.seq, appended: 0 });
    expect(await eventsOn(log.names.play.reward('talk', 'ann'))).toBe(1);
  });

  it('land once when two edges race with different command ids', async () => {
    const reward = { challengeId: 'talk', memberId: 'bob' };
    const results = await Promise.all([
      edgeA.completeChallenge(reward, meta()),
      edgeB.completeChallenge(reward, meta()),
    ]);
    expect(results.map((r) => r.appended).sort()).toEqual([0, 1]);
    expect(await eventsOn(log.names.play.reward('talk', 'bob'))).toBe(1);
    expect((await reader.reward('talk', 'bob')).state).toEqual({ status: 'completed', rewardXp: 40 });
  });

  it('come only from a running challenge, to its members', async () => {
    await edgeA.createChallenge(
      {
        challengeId: 'duo',
        title: 'Duo',
        metric: 'matches_won',
        target: 1,
        rewardXp: 10,
        memberIds: ['ann'],
        by: 'admin',
      },
      meta('admin'),
    );
    await expect(
      edgeA.completeChallenge({ challengeId: 'duo', memberId: 'bob' }, meta()),
    ).rejects.toMatchObject({
      code: 'play.not_in_challenge',
    });
    await edgeA.cancelChallenge({ challengeId: 'duo', by: 'admin' }, meta('admin'));
    await expect(
      edgeB.completeChallenge({ challengeId: 'duo', memberId: 'ann' }, meta()),
    ).rejects.toMatchObject({
      code: 'play.challenge_cancelled',
    });
    await expect(
      edgeA.completeChallenge({ challengeId: 'nope', memberId: 'ann' }, meta()),
    ).rejects.toMatchObject({
      code: 'play.challenge_not_found',
    });
    expect(await eventsOn(log.names.play.reward('duo', 'ann'))).toBe(0);
  });
});
