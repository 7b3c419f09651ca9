// Each member's own preferences: GET and PATCH /me/preferences, any signed-in member, only
// their own (the session names them; there is no member id to give). The muted kinds of
// notification are home's settings (the centre respects them), read and written through here.
import { Hono } from 'hono';
import { commonErrors } from '../../contracts/errors.ts';
import type { NotificationKind } from '../../contracts/home.schema.ts';
import type { MemberPreferences, PreferencesAnswer } from '../../contracts/preferences.api.ts';
import { type PreferencesPatchBody, preferencesPatchBody } from '../../contracts/preferences.schema.ts';
import { HOME_NOTIFICATIONS } from '../../projectors/home-notifications/projection.ts';
import { mutedKinds } from '../../projectors/home-notifications/queries.ts';
import { PREFERENCES_MEMBERS } from '../../projectors/preferences-members/projection.ts';
import { memberPreferences } from '../../projectors/preferences-members/queries.ts';
import type { HomeWriter } from '../../writers/home/commands.ts';
import type { PreferencesWriter } from '../../writers/preferences/commands.ts';
import { canonicalTimeZone } from '../../writers/preferences/zones.ts';
import { commandMeta } from '../http/command.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { CHAT_PERMISSIONS, PREFERENCES_PERMISSIONS } from '../http/permissions.ts';
import { READ_AFTER_TIMEOUT_MS, readAfter } from '../http/read-after.ts';
import { requirePermission } from '../http/session.ts';
import { jsonBody } from '../http/validate.ts';
import type { PreferencesMemory } from './memory.ts';

export function preferencesRoutes({
  deps,
  writer,
  home,
  memory,
}: {
  deps: HubDeps;
  writer: PreferencesWriter;
  home: Pick<HomeWriter, 'changeSettings'>;
  memory: PreferencesMemory;
}): Hono<HubEnv> {
  const { auth, db, projectors } = deps;
  const app = new Hono<HubEnv>();
  const manage = requirePermission(auth, PREFERENCES_PERMISSIONS.manage);

  const current = async (memberId: string): Promise<PreferencesAnswer> => {
    const [stored, muted] = await Promise.all([memberPreferences(db, memberId), mutedKinds(db, [memberId])]);
    const { member_id: _, seq, ...rest } = stored;
    const kinds = [...(muted.get(memberId) ?? [])].sort() as NotificationKind[];
    return { preferences: { ...rest, muted_notifications: kinds }, seq };
  };

  app.get(
    '/me/preferences',
    manage,
    readAfter(projectors, PREFERENCES_MEMBERS),
    readAfter(projectors, HOME_NOTIFICATIONS, 'notifications_after'),
    async (c) => c.json((await current(c.get('user').id)) satisfies PreferencesAnswer),
  );

  // Answers the member's preferences with the change in them.
  app.patch('/me/preferences', manage, jsonBody(preferencesPatchBody, { nullIsAbsent: true }), async (c) => {
    const body = c.req.valid('json');
    const user = c.get('user');
    const memberId = user.id;
    const meta = commandMeta(c, body);
    const { muted_notifications: muted, ...rest } = body;
    // Home's inbox settings ask what PUT /notifications/settings asks; checked before anything
    // is written, so a refused body changes nothing.
    if (muted !== undefined && !auth.can(user.role, CHAT_PERMISSIONS.read)) throw commonErrors.forbidden();
    const result = await writer.change(
      {
        memberId,
        theme: rest.theme,
        language: rest.language,
        timeZone: rest.time_zone,
        assistantModel: rest.assistant_model,
        assistantPrompt: rest.assistant_prompt,
      },
      meta,
    );
    const sent = sentChange(rest, muted);
    // This edge's next prompt reads the read model again, at least at this change (the answer
    // waits for it below; other edges hear the change on the log).
    memory.wrote(memberId, result.seq);
    const waits = [projectors.waitFor(PREFERENCES_MEMBERS, result.seq, READ_AFTER_TIMEOUT_MS)];
    let notificationsSeq: number | undefined;
    if (muted !== undefined) {
      // A command of its own on the member's inbox: its id told apart from the one above.
      const settings = await home.changeSettings(
        { memberId, mutedKinds: muted },
        { ...meta, commandId: `${meta.commandId}:notifications` },
      );
      notificationsSeq = settings.seq;
      waits.push(projectors.waitFor(HOME_NOTIFICATIONS, settings.seq, READ_AFTER_TIMEOUT_MS));
    }
    await Promise.all(waits);
    // What the read models may not have yet, the command just decided.
    const answer = await current(memberId);
    return c.json({
      preferences: { ...answer.preferences, ...sent },
      seq: result.seq,
      ...(notificationsSeq !== undefined ? { notifications_seq: notificationsSeq } : {}),
    } satisfies PreferencesAnswer);
  });

  return app;
}

/** What the body changes, as the member's preferences say it (the zone as the writer stores it). */
function sentChange(rest: Omit<PreferencesPatchBody, 'muted_notifications'>, muted?: NotificationKind[]) {
  const out: Partial<MemberPreferences> = {};
  if (rest.theme !== undefined) out.theme = rest.theme;
  if (rest.language !== undefined) out.language = rest.language;
  if (rest.time_zone !== undefined) out.time_zone = canonicalTimeZone(rest.time_zone) ?? rest.time_zone;
  if (rest.assistant_model !== undefined) out.assistant_model = rest.assistant_model;
  if (rest.assistant_prompt !== undefined) out.assistant_prompt = rest.assistant_prompt;
  if (muted !== undefined) out.muted_notifications = [...new Set(muted)].sort();
  return out;
}
