// The play read models on real NATS and Postgres: a long random scenario written through the
// real writers, then every play read model rebuilt from the log. The rebuild must equal the
// incrementally built model exactly (tables and scores hashed), with messages deleted along the
// way and a challenge that counts from its start, and a challenge reward stays
// exactly one however often it is asked for.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../../contracts/play.schema.ts';
import { publishIdentity, registered } from '../../test/events.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { createChatWriter } from '../../writers/chat/commands.ts';
import { createChatReader } from '../../writers/chat/load.ts';
import { type AppendResult, type CommandMeta, createAppender } from '../../writers/log/append.ts';
import { decodeEvent } from '../../writers/log/decode.ts';
import { createPlayWriter } from '../../writers/play/commands.ts';
import { createPlayReader } from '../../writers/play/load.ts';
import { identityUsersProjection } from '../identity-users/projection.ts';
import { playActivityMediaProjection } from '../play-activity/media.ts';
import { PLAY_ACTIVITY, playActivityProjection } from '../play-activity/projection.ts';
import { computeScores } from '../play-scores/engine.ts';
import { hashPlayTables, loadFacts } from '../play-scores/facts.ts';
import type { ProjectorRunner } from '../runtime/runner.ts';
import type { AnyProjection, StoredEvent } from '../runtime/types.ts';
import { PLAY, playRecordsProjection } from './projection.ts';

let rt: TestRuntime;
let runner: ProjectorRunner;
const MEMBERS = ['ann', 'bob', 'cy', 'dee', 'eli'];
const NOW = new Date('2026-11-20T12:00:00Z');

beforeAll(async () => {
  rt = await openTestRuntime();
  runner = await rt.runner([
    identityUsersProjection,
    playRecordsProjection,
    playActivityProjection,
    playActivityMediaProjection,
  ] as unknown as AnyProjection[]);
});
afterAll(() => rt.cleanup());

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: T[]): T => items[Math.floor(next() * items.length)] as T,
  };
}

async function snapshot() {
  const rules = DEFAULT_RULES;
  const facts = await loadFacts(rt.db, { rules });
  const scores = computeScores(facts, rules, NOW);
  const json = JSON.stringify({
    members: [...scores.members.values()],
    boards: scores.boards,
    challenges: scores.challenges,
    deltas: [...scores.matchDeltas].map(([id, d]) => [id, [...d]]),
  });
  return {
    tables: await hashPlayTables(rt.db),
    scores: createHash('sha256').update(json).digest('hex'),
    xp: Object.fromEntries([...scores.members].map(([id, m]) => [id, m.xp])),
  };
}

describe('the play read models', () => {
  it('rebuilt from the log after a long random scenario, equal the incremental build exactly', async () => {
    for (const id of MEMBERS) await publishIdentity(rt.log, registered(id));
    const appender = createAppender({ log: rt.log });
    const play = createPlayWriter({ appender, reader: createPlayReader({ log: rt.log }) });
    const chat = createChatWriter({ appender, reader: createChatReader({ log: rt.log }) });
    let n = 0;
    const meta = (actorId: string, at = NOW): CommandMeta => ({
      commandId: `cmd-${n++}`,
      actorId,
      correlationId: 'scenario',
      now: at,
    });
    for (const id of MEMBERS) await chat.joinFamily(id, meta(id));

    const r = random(20261122);
    const day = (d: number, h = 9) => new Date(Date.UTC(2026, 10, 1 + d, h, r.int(60)));
    const attempt = async (fn: () => Promise<AppendResult | unknown>) => {
      try {
        await fn();
      } catch {
        // Refusals are part of a realistic log: they append nothing.
      }
    };
    await play.createChallenge(
      {
        challengeId: 'talk',
        title: 'Talk',
        week: '2026-11-16',
        metric: 'messages_sent',
        target: 3,
        rewardXp: 40,
        by: 'ann',
      },
      meta('ann'),
    );
    await play.defineChore(
      { choreId: 'dishes', title: 'Dishes', points: 15, recurrence: 'daily', by: 'ann' },
      meta('ann'),
    );
    await play.defineChore(
      { choreId: 'lawn', title: 'Lawn', points: 60, recurrence: 'weekly', by: 'ann' },
      meta('ann'),
    );
    const matches: string[] = [];
    const completions: { choreId: string; completionId: string }[] = [];
    const posted: { id: string; by: string }[] = [];
    for (let i = 0; i < 400; i++) {
      const who = r.pick(MEMBERS);
      const when = day(r.int(21), 7 + r.int(14));
      const roll = r.next();
      if (roll < 0.08 && posted.length > 0) {
        // Post and delete: a deleted message stops counting, incrementally and rebuilt.
        const { id, by } = r.pick(posted);
        await attempt(() =>
          chat.remove({ channelId: 'family', messageId: id, by, canModerate: false }, meta(by, when)),
        );
      } else if (roll < 0.55) {
        const text = r.next() < 0.2 ? 'same old' : `hello ${r.int(1000)}`;
        await chat.post(
          { channelId: 'family', messageId: `m${i}`, senderId: who, content: text },
          meta(who, when),
        );
        posted.push({ id: `m${i}`, by: who });
      } else if (roll < 0.7) {
        const other = r.pick(MEMBERS.filter((m) => m !== who));
        const id = `match${i}`;
        await play.reportMatch(
          {
            matchId: id,
            game: r.pick(['Chess', 'Mario Kart']),
            placements: [
              { userId: who, place: 1 },
              { userId: other, place: r.next() < 0.2 ? 1 : 2 },
            ],
            by: who,
            canManage: false,
          },
          meta(who, when),
        );
        if (r.next() < 0.8)
          await attempt(() =>
            play.confirmMatch({ matchId: id, by: other, canManage: false }, meta(other, when)),
          );
        matches.push(id);
      } else if (roll < 0.75 && matches.length > 0) {
        await attempt(() =>
          play.voidMatch({ matchId: r.pick(matches), by: 'ann', canManage: true }, meta('ann', when)),
        );
      } else if (roll < 0.88) {
        const choreId = r.pick(['dishes', 'lawn']);
        await attempt(async () => {
          const res = await play.markChoreDone({ choreId, memberId: who }, meta(who, when));
          completions.push({ choreId, completionId: res.completionId });
        });
      } else if (roll < 0.97 && completions.length > 0) {
        const { choreId, completionId } = r.pick(completions);
        const decision = { choreId, completionId, by: 'ann', canManage: true };
        if (r.next() < 0.75) await attempt(() => play.approveCompletion(decision, meta('ann', when)));
        else await attempt(() => play.rejectCompletion(decision, meta('ann', when)));
      } else {
        await attempt(() =>
          play.changeSettings(
            { timeZone: r.pick(['UTC', 'Europe/Berlin', 'America/New_York']), by: 'ann' },
            meta('ann', when),
          ),
        );
      }
    }
    // The same reward asked for again and again (a reactor redelivered, retried, racing): one event.
    for (let i = 0; i < 3; i++)
      await play.completeChallenge({ challengeId: 'talk', memberId: 'bob' }, meta('', NOW));

    const info = async (domain: 'play' | 'chat') =>
      (await rt.log.jsm.streams.info(rt.log.names.stream(domain))).state.last_seq;
    expect(await runner.waitFor(PLAY, await info('play'), 20_000)).toBe(true);
    expect(await runner.waitFor(PLAY_ACTIVITY, await info('chat'), 20_000)).toBe(true);
    const incremental = await snapshot();
    expect(Object.values(incremental.xp).some((xp) => xp > 0)).toBe(true);

    await runner.rebuild(PLAY);
    await runner.rebuild(PLAY_ACTIVITY);
    const rebuilt = await snapshot();
    expect(rebuilt).toEqual(incremental);

    // Redelivered from the start, every batch again (as if no checkpoint had skipped them).
    for (const [domain, projection, schema] of [
      ['play', playRecordsProjection, 'play_records'],
      ['chat', playActivityProjection, 'play_activity'],
    ] as const) {
      const stream = rt.log.names.stream(domain);
      const events: StoredEvent[] = [];
      for (let seq = 1; seq <= (await info(domain)); seq++) {
        const msg = await rt.log.jsm.direct.getMessage(stream, { seq });
        if (msg)
          events.push(decodeEvent(domain, stream, { seq: msg.seq, subject: msg.subject, data: msg.data }));
      }
      for (let i = 0; i < events.length; i += 500) {
        await rt.db.transaction().execute((db) =>
          (projection as unknown as AnyProjection).apply(events.slice(i, i + 500) as never[], {
            db: db as never,
            schema,
            rebuilding: false,
          }),
        );
      }
    }
    expect(await snapshot()).toEqual(incremental);

    const rewards = await rt.db
      .withSchema('play_records')
      .selectFrom('rewards' as never)
      .selectAll()
      .execute();
    expect(rewards).toHaveLength(1);
  });
});
