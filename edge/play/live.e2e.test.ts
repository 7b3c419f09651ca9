// Play over a real socket: a level-up and an achievement are pushed to the member live, and
// chat earns XP by the rules: the daily cap, and nothing for a repeated identical message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES, type RuleSet } from '../../contracts/play.schema.ts';
import { type ChatHubs, type Person, type Socket, startChatHubs } from '../../test/sockets.ts';

let t: ChatHubs;
let ann: Person;
let bob: Person;
let bobWs: Socket;

const rules = (message: { xp: number; daily_cap?: number }): RuleSet => ({
  ...DEFAULT_RULES,
  xp: DEFAULT_RULES.xp.map((r) =>
    r.id === 'message' ? { id: 'message', on: 'message_posted', ...message } : r,
  ),
});

async function publish(next: RuleSet) {
  const current = await ann.json<{ version: number }>('/api/v1/play/rules');
  const res = await ann.request('/api/v1/play/rules', {
    method: 'PUT',
    body: { expected_version: current.version, rules: next },
  });
  expect(res.status).toBe(201);
  const { seq } = (await res.json()) as { seq: number };
  await ann.json(`/api/v1/play/rules?after=${seq}`);
}

async function say(content: string): Promise<number> {
  const res = await bob.request('/api/v1/messages', { body: { channel: 'family', content } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { seq: number }).seq;
}

const hub = () => t.edges[0]?.hub as NonNullable<(typeof t.edges)[number]>['hub'];

beforeAll(async () => {
  t = await startChatHubs();
  ann = await t.member('ann@family.test');
  bob = await t.member('bob@family.test');
  bobWs = await bob.connect();
});
afterAll(async () => {
  await t?.stop();
});

describe('play, live', () => {
  it('counts chat XP with the daily cap and without repeats, and explains it message by message', async () => {
    await publish(rules({ xp: 2, daily_cap: 6 }));
    const seqs: Record<string, number> = {};
    let last = 0;
    for (const text of ['one', 'two', 'two', ' TWO ', 'three', 'four', 'five']) {
      last = await say(text);
      seqs[text] ??= last;
    }
    expect(await hub().deps.projectors.waitFor('play_activity', last, 5000)).toBe(true);
    const xp = await bob.json<{
      grants: { rule_id: string; xp: number; source: { messages: number; seqs: number[] } }[];
    }>(`/api/v1/play/members/${bob.id}/xp`);
    const message = xp.grants.filter((g) => g.rule_id === 'message');
    // Five different messages ('two' repeated twice earns nothing), 2 XP each, capped at 6:
    // the first three that count earned it.
    expect(message).toEqual([
      expect.objectContaining({ xp: 6, source: expect.objectContaining({ messages: 3 }) }),
    ]);
    expect(message[0]?.source.seqs).toEqual([seqs.one, seqs.two, seqs.three]);
  });

  it('pushes a level-up and an achievement to the member as they happen', async () => {
    const next = rules({ xp: 500 });
    next.achievements.push({ id: 'seven', title: 'Seven messages', metric: 'messages_sent', threshold: 7 });
    await publish(next);
    // Only the rounds run below, so no round falls between the two messages.
    for (const edge of t.edges) await edge.hub.play.live.stop();
    // The rule change itself moved levels: start watching from here.
    await hub().play.live.tick(true);
    bobWs.frames.splice(0);
    await say('six');
    const seq = await say('seven');
    expect(await hub().deps.projectors.waitFor('play_activity', seq, 5000)).toBe(true);
    // A push from before the splice (the rule change's own level-up) may still be on its way
    // over the socket: wait for the frame that says what the profile says.
    type Pushed = { type?: string; event?: string; level?: number; achievement?: string };
    const pushed = async (match: (f: Pushed) => boolean) => {
      for (let i = 0; i < 150 && !bobWs.frames.some((f) => match(f as Pushed)); i++) {
        await hub().play.live.tick(true);
        await new Promise((r) => setTimeout(r, 100));
      }
      return bobWs.waitFor((f) => (f as Pushed).type === 'play' && match(f as Pushed), 1000);
    };
    const me = await bob.json<{ level: number }>('/api/v1/play/me');
    expect(await pushed((f) => f.event === 'level_up' && f.level === me.level)).toMatchObject({
      user_id: bob.id,
      level: me.level,
    });
    expect(await pushed((f) => f.event === 'achievement' && f.achievement === 'seven')).toMatchObject({
      user_id: bob.id,
      achievement: 'seven',
    });
    for (const edge of t.edges) edge.hub.play.live.start();
  });
});
