// Play, live: a loop notices when the scores moved and pushes what changed to the sockets of
// this process (level-ups and achievements to the member, board, challenge and list changes to
// everyone). The scores are the play-scores query model's; challenge rewards are the
// play_rewards reactors' business, not this loop's.
import type { Logger } from 'pino';
import type { PlayFrame } from '../../contracts/play.frames.ts';
import { PLAY_ACTIVITY } from '../../projectors/play-activity/projection.ts';
import type { Scores } from '../../projectors/play-scores/engine.ts';
import type { ScoresQuery } from '../../projectors/play-scores/query.ts';

/** The frames are the contract's (contracts/play.frames.ts), which the web app reads. */
export type LivePush = {
  toUser: (userId: string, frame: PlayFrame) => void;
  toAll: (frame: PlayFrame) => void;
};

const LIVE_INTERVAL_MS = 1000;
/** Chat alone moves often; recomputing for it at most this often keeps busy chats cheap. */
const ACTIVITY_ONLY_INTERVAL_MS = 3000;

export type PlayLive = ReturnType<typeof createPlayLive>;

export function createPlayLive({
  scores,
  logger,
  push,
  intervalMs = LIVE_INTERVAL_MS,
}: {
  scores: ScoresQuery;
  logger: Logger;
  push?: LivePush | undefined;
  intervalMs?: number;
}) {
  let timer: NodeJS.Timeout | undefined;
  let previous: Scores | undefined;
  let lastPlayMark = '';
  let lastComputed = 0;
  let running = false;
  let inFlight: Promise<void> = Promise.resolve();

  /** One live round; a forced round waits for the one in flight and then runs anyway. */
  async function tick(force = false): Promise<void> {
    if (running) {
      if (!force) return;
      await inFlight;
      return tick(true);
    }
    running = true;
    const round = liveRound(force);
    inFlight = round;
    return round;
  }

  async function liveRound(force: boolean): Promise<void> {
    try {
      const mark = await scores.watermark();
      const playMark = mark
        .split(',')
        .filter((p) => !p.startsWith(`${PLAY_ACTIVITY}:`))
        .join(',');
      const onlyActivity = playMark === lastPlayMark;
      if (!force && onlyActivity && Date.now() - lastComputed < ACTIVITY_ONLY_INTERVAL_MS) return;
      const { scores: now, watermark: at } = await scores.current(mark);
      if (previous && at === mark) {
        announce(previous, now);
        // A report, a chore marked done, a new chore: lists change even when no score does.
        if (!onlyActivity) push?.toAll({ type: 'play', event: 'changed' });
      }
      if (at === mark) {
        previous = now;
        lastPlayMark = playMark;
        lastComputed = Date.now();
      }
    } catch (err) {
      logger.warn({ err }, 'play live update failed');
    } finally {
      running = false;
    }
  }

  function announce(before: Scores, after: Scores) {
    if (!push) return;
    let changed = false;
    for (const [id, now] of after.members) {
      const was = before.members.get(id);
      if (!was) continue;
      if (now.level > was.level) {
        push.toUser(id, { type: 'play', event: 'level_up', user_id: id, level: now.level });
        // The family's feed tells everyone's milestones (Home reads it again on boards_changed).
        changed = true;
      }
      const had = new Set(was.achievements.map((a) => a.id));
      for (const a of now.achievements) {
        if (!had.has(a.id)) {
          changed = true;
          push.toUser(id, {
            type: 'play',
            event: 'achievement',
            user_id: id,
            achievement: a.id,
            title: a.title,
          });
        }
      }
      if (now.xp !== was.xp || now.weekXp !== was.weekXp) changed = true;
    }
    if (changed || JSON.stringify(before.boards) !== JSON.stringify(after.boards)) {
      push.toAll({ type: 'play', event: 'boards_changed' });
    }
    if (JSON.stringify(before.challenges) !== JSON.stringify(after.challenges)) {
      push.toAll({ type: 'play', event: 'challenges_changed' });
    }
  }

  return {
    /** Runs one live round now, even for chat alone (tests; the loop runs it every second). */
    tick,
    start: () => {
      timer ??= setInterval(() => void tick(false), intervalMs);
    },
    stop: async () => {
      if (timer) clearInterval(timer);
      timer = undefined;
      while (running) await new Promise((r) => setTimeout(r, 10));
    },
  };
}
