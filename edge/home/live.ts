// Home, live: a loop notices when a notification source moved and pushes each new
// notification to the sockets of this process whose member it tells (muted kinds excepted).
// Every edge process runs its own loop over the same read models, so each tells its own
// sockets; the rows' added_at (a rebuild writes the event's own time) says what is new.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { HomeFrame } from '../../contracts/home.frames.ts';
import { addedSince, mutedKinds, type Sources } from '../../projectors/home-notifications/queries.ts';
import { isBanned, listUsers } from '../../projectors/identity-users/queries.ts';
import type { AuthGate } from '../http/deps.ts';
import { audiencesOf, toItem } from './notifications.ts';

export type HomePush = {
  toUser: (userId: string, frame: HomeFrame) => void;
  toAll: (frame: HomeFrame) => void;
};

const LIVE_INTERVAL_MS = 500;
/** Rows are stamped by the projector's clock, maybe another machine's: look this far back. */
const SKEW_MS = 5000;

export type HomeLive = ReturnType<typeof createHomeLive>;

export function createHomeLive({
  db,
  sources,
  watched,
  auth,
  positions,
  feedSources,
  push,
  logger,
  intervalMs = LIVE_INTERVAL_MS,
}: {
  db: Kysely<unknown>;
  sources: Sources;
  /** The read models whose moves may mean a new notification. */
  watched: readonly string[];
  auth: Pick<AuthGate, 'can'>;
  positions: (names: readonly string[]) => Promise<Map<string, number>>;
  /** The feed's read models: when one moves, everyone's Home reads the feed again. */
  feedSources: readonly string[];
  push?: HomePush | undefined;
  logger: Logger;
  intervalMs?: number;
}) {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let lastMark = '';
  let lastFeedMark = '';
  // Nothing older than the process is news.
  let cursor = new Date();
  /** Pushed recently (within the skew window): id → added_at. */
  const told = new Map<string, number>();

  async function tick(): Promise<void> {
    if (running) return;
    running = true;
    try {
      const at = await positions([...watched, ...feedSources]);
      const mark = watched.map((s) => at.get(s) ?? 0).join(',');
      const feedMark = feedSources.map((s) => at.get(s) ?? 0).join(',');
      if (feedMark !== lastFeedMark) {
        if (lastFeedMark !== '') push?.toAll({ type: 'home', event: 'feed_changed' });
        lastFeedMark = feedMark;
      }
      if (mark === lastMark) return;
      lastMark = mark;
      await tell(await addedSince(db, new Date(cursor.getTime() - SKEW_MS), sources));
    } catch (err) {
      logger.warn({ err }, 'home live update failed');
    } finally {
      running = false;
    }
  }

  async function tell(rows: Awaited<ReturnType<typeof addedSince>>) {
    const fresh = rows.filter((r) => !told.has(r.id));
    for (const r of rows) if (r.added_at > cursor) cursor = r.added_at;
    for (const [id, added] of told) if (added < cursor.getTime() - 2 * SKEW_MS) told.delete(id);
    if (fresh.length === 0 || !push) {
      for (const r of fresh) told.set(r.id, r.added_at.getTime());
      return;
    }
    const needsFamily = fresh.some((r) => r.member_id === null);
    const family = needsFamily ? (await listUsers(db)).filter((u) => !isBanned(u)) : [];
    const recipients = fresh.map((r) => {
      if (r.member_id !== null) return [r.member_id];
      return family
        .filter(
          (u) =>
            u.id !== r.except_id &&
            Date.parse(u.registeredAt) <= r.at.getTime() &&
            (r.audience === 'everyone' || audiencesOf(auth, u.role).includes(r.audience ?? '')),
        )
        .map((u) => u.id);
    });
    const muted = await mutedKinds(db, [...new Set(recipients.flat())]);
    fresh.forEach((r, i) => {
      told.set(r.id, r.added_at.getTime());
      for (const member of recipients[i] ?? []) {
        if (muted.get(member)?.has(r.kind)) continue;
        push.toUser(member, { type: 'home', event: 'notification', notification: toItem(r) });
      }
    });
  }

  return {
    /** Runs one live round now (tests; the loop runs it twice a second). */
    tick,
    start: () => {
      timer ??= setInterval(() => void tick(), intervalMs);
    },
    stop: async () => {
      if (timer) clearInterval(timer);
      timer = undefined;
      while (running) await new Promise((r) => setTimeout(r, 10));
    },
  };
}
