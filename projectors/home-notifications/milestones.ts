// Milestones: play's levels and achievements are computed (play-scores), never stored, so the
// moment a member reaches one is not in the log. Once the play read models have applied an
// event that could move a score, these reactors read the scores and append a LevelReached
// or AchievementUnlocked for what is new, once per (member, milestone) whatever event got
// there first: the command id is the domain key, and the milestone aggregate appends at most
// one event. The notifications and the feed read those.
import { hash } from 'node:crypto';
import type { ChatEvent } from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import type { PlayEvent } from '../../contracts/gen/hearth/play/v1/events_pb.ts';
import type { HomeWriter } from '../../writers/home/commands.ts';
import { type MilestoneCommand, milestoneKey } from '../../writers/home/milestone.ts';
import { SCORED_FROM, type ScoresQuery } from '../play-scores/query.ts';
import type { Reactor, ReactorContext, StoredEvent } from '../runtime/types.ts';

export const HOME_MILESTONES = 'home_milestones';
export const HOME_MILESTONES_CHAT = 'home_milestones_chat';

const CHAT_EVERY_MS = 1000;
const SAFE = /^[A-Za-z0-9_-]{1,100}$/;

type Deps = { writer: Pick<HomeWriter, 'reachMilestone'>; scores: Pick<ScoresQuery, 'current'> };

export function homeMilestoneReactors({
  writer,
  scores,
}: Deps): [Reactor<unknown, PlayEvent>, Reactor<unknown, ChatEvent>] {
  const reach = milestones({ writer, scores });
  return [
    {
      name: HOME_MILESTONES,
      domain: 'play',
      reads: [...SCORED_FROM],
      react: (events, ctx) => reach(events.at(-1) as StoredEvent, ctx),
    },
    {
      name: HOME_MILESTONES_CHAT,
      domain: 'chat',
      reads: [...SCORED_FROM],
      wants: (e) => e.event.case === 'messagePosted',
      paceMs: CHAT_EVERY_MS,
      react: (events, ctx) => reach(events.at(-1) as StoredEvent, ctx),
    },
  ];
}

function milestones({ writer, scores }: Deps) {
  // Told already, by this process: spares the log a duplicate command per member per batch.
  const done = new Set<string>();
  return async (cause: StoredEvent, { issue }: ReactorContext): Promise<void> => {
    const { scores: now } = await scores.current();
    for (const m of now.members.values()) {
      const commands: MilestoneCommand[] = [];
      // Only the level reached now: a family that had levels before milestones were told is
      // not told of every level on the way.
      if (m.level > 1) commands.push({ type: 'level', memberId: m.memberId, level: m.level });
      for (const a of m.achievements) {
        const achievementId = SAFE.test(a.id) ? a.id : hash('sha256', a.id, 'base64url').slice(0, 22);
        commands.push({ type: 'achievement', memberId: m.memberId, achievementId, title: a.title });
      }
      for (const command of commands) {
        const key = `home-milestone:${m.memberId}:${milestoneKey(command)}`;
        if (done.has(key)) continue;
        await issue({ cause, key, run: (meta) => writer.reachMilestone(command, meta) });
        done.add(key);
      }
    }
  };
}
