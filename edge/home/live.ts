// Home, live: a loop notices when a notification source moved and pushes each new
// notification to the sockets of this process whose member it tells (muted kinds excepted).
// Every edge process runs its own loop over the same read models, so each tells its own
// sockets. It follows each source by its stream's positions (a row keeps its event's seq), not
// by clocks; and tells only what happened lately, so a read model catching up on the stream
// (new, or after downtime) does not push anyone their old mentions.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { HomeFrame } from '../../contracts/home.frames.ts';
import {
  mutedKinds,
  notificationsIn,
  type Sources,
  type Span,
} from '../../projectors/home-notifications/queries.ts';
import { isBanned, listUsers } from '../../projectors/identity-users/queries.ts';
import type { AuthGate } from '../http/deps.ts';
import { audiencesOf, toItem } from './notifications.ts';

export type HomePush = {
  toUser: (userId: string, frame: HomeFrame) => void;
  toAll: (frame: HomeFrame) => void;
};

const LIVE_INTERVAL_MS = 500;
/** What happened longer ago than this is not news: it is in the centre, and pushes no one. */
export const NEWS_MS = 5 * 60_000;
const PAGE = 500;
/** Events are stamped by the writer's clock, maybe another machine's: room for it at start. */
const START_MARGIN_MS = 5000;

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
  page = PAGE,
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
  /** Rows read at a time (tests make it small). */
  page?: number;
}) {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let lastMark = '';
  let lastFeedMark = '';
  /** Per source, the stream position told up to. */
  const toldUpTo = new Map<string, number>();
  // Nothing older than the process is news (the first round reads the sources from the start).
  const started = Date.now() - START_MARGIN_MS;
  const notificationSources = [...sources.notifications, sources.joined];

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
      for (const source of notificationSources) {
        const upTo = at.get(source) ?? 0;
        const after = toldUpTo.get(source) ?? 0;
        // A position read from the checkpoint: every row of an event up to it is committed.
        if (upTo > after) await tellSpan({ source, after, upTo });
        toldUpTo.set(source, Math.max(after, upTo));
      }
      lastMark = mark;
    } catch (err) {
      logger.warn({ err }, 'home live update failed');
    } finally {
      running = false;
    }
  }

  /** Page by page, in the stream's order, whatever the count. */
  async function tellSpan(span: Span) {
    const since = new Date(Math.max(started, Date.now() - NEWS_MS));
    let from: { seq: number; id: string } | undefined;
    for (;;) {
      const rows = await notificationsIn(db, sources, span, { since, from, limit: page });
      await tell(rows);
      const last = rows.at(-1);
      if (rows.length < page || !last) return;
      from = { seq: last.seq, id: last.id };
    }
  }

  async function tell(fresh: Awaited<ReturnType<typeof notificationsIn>>) {
    if (fresh.length === 0 || !push) return;
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
