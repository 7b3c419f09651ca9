// The home API: the notification centre (list, mark read, settings) and the family feed.
// Commands go to the home writer; reads come from the home read models.
import { Hono } from 'hono';
import type { Accepted, NotificationsPage } from '../../contracts/home.api.ts';
import { markNotificationsReadBody, notificationSettingsBody } from '../../contracts/home.schema.ts';
import { HOME_NOTIFICATIONS } from '../../projectors/home-notifications/projection.ts';
import { notificationsFor, readState, type Sources } from '../../projectors/home-notifications/queries.ts';
import type { ScoresQuery } from '../../projectors/play-scores/query.ts';
import type { HomeWriter } from '../../writers/home/commands.ts';
import { commandMeta } from '../http/command.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { CHAT_PERMISSIONS } from '../http/permissions.ts';
import { readAfter } from '../http/read-after.ts';
import { requirePermission } from '../http/session.ts';
import { jsonBody } from '../http/validate.ts';
import type { HomePush } from './live.ts';
import { asNotification, milestonesOf } from './milestones.ts';
import { audiencesOf, toItem } from './notifications.ts';

const LIMIT = 50;

export function homeRoutes({
  deps,
  writer,
  scores,
  sources,
  push,
  feed,
}: {
  deps: HubDeps;
  writer: HomeWriter;
  scores: Pick<ScoresQuery, 'current'>;
  sources: Sources;
  push?: HomePush | undefined;
  /** The feed's routes, registered on the same app. */
  feed: (app: Hono<HubEnv>) => void;
}): Hono<HubEnv> {
  const { auth, db, projectors } = deps;
  const app = new Hono<HubEnv>();
  // Everyone in the family has a notification centre.
  const read = requirePermission(auth, CHAT_PERMISSIONS.read);
  const after = readAfter(projectors, HOME_NOTIFICATIONS);

  app.get('/notifications', read, after, async (c) => {
    const user = c.get('user');
    const page = await notificationsFor(
      db,
      { memberId: user.id, audiences: audiencesOf(auth, user.role), since: user.createdAt },
      { sources, limit: LIMIT },
    );
    // The member's own levels and achievements: play's scores, not rows.
    const member = (await scores.current()).scores.members.get(user.id);
    const muted = new Set<string>(page.muted);
    const reached = (member ? milestonesOf(member) : []).filter((m) => !muted.has(m.kind));
    const state = await readState(
      db,
      user.id,
      reached.map((m) => m.id),
    );
    const computed = reached.map((m) =>
      asNotification(m, state.read.has(m.id) || (state.readUpTo !== null && m.at <= state.readUpTo)),
    );
    const notifications = [...page.notifications.map(toItem), ...computed]
      .sort((a, b) => b.at.localeCompare(a.at) || b.id.localeCompare(a.id))
      .slice(0, LIMIT);
    return c.json({
      notifications,
      unread: page.unread + computed.filter((n) => !n.read).length,
      muted: page.muted,
    } satisfies NotificationsPage);
  });

  app.post(
    '/notifications/read',
    read,
    jsonBody(markNotificationsReadBody, { nullIsAbsent: true }),
    async (c) => {
      const body = c.req.valid('json');
      const memberId = c.get('user').id;
      const meta = commandMeta(c, body);
      const result =
        body.id === undefined
          ? await writer.markAllRead(memberId, meta)
          : await writer.markRead({ memberId, notificationId: body.id }, meta);
      // The member's other tabs on this process read their count again.
      push?.toUser(memberId, { type: 'home', event: 'read' });
      return c.json({ seq: result.seq } satisfies Accepted, 200);
    },
  );

  app.put('/notifications/settings', read, jsonBody(notificationSettingsBody), async (c) => {
    const body = c.req.valid('json');
    const memberId = c.get('user').id;
    const result = await writer.changeSettings({ memberId, mutedKinds: body.muted }, commandMeta(c, body));
    return c.json({ seq: result.seq } satisfies Accepted, 200);
  });

  feed(app);
  return app;
}
