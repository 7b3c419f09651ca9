// What every play route file uses: the permission middlewares, the read-after wait, and the
// small helpers for the asker, ids in the path, command acknowledgements and person checks.
import type { JSONSchemaType } from 'ajv';
import type { Context } from 'hono';
import { commonErrors } from '../../contracts/errors.ts';
import type { Accepted } from '../../contracts/play.api.ts';
import { findUser } from '../../projectors/identity-users/queries.ts';
import { PLAY } from '../../projectors/play-records/projection.ts';
import type { ScoresQuery } from '../../projectors/play-scores/query.ts';
import type { PlayWriter } from '../../writers/play/commands.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { PLAY_PERMISSIONS } from '../http/permissions.ts';
import { readAfter } from '../http/read-after.ts';
import { requirePermission } from '../http/session.ts';
import { jsonBody } from '../http/validate.ts';

const ID = /^[A-Za-z0-9_-]{1,128}$/;

/** No play field gives null a meaning of its own: null is the field left out. */
export const playBody = <T>(schema: JSONSchemaType<T>) => jsonBody(schema, { nullIsAbsent: true });

export type PlayKit = ReturnType<typeof playKit>;

export function playKit({
  deps,
  writer,
  scores,
}: {
  deps: HubDeps;
  writer: PlayWriter;
  scores: ScoresQuery;
}) {
  const { auth, db, projectors, appender } = deps;
  const read = requirePermission(auth, PLAY_PERMISSIONS.read);
  const play = requirePermission(auth, PLAY_PERMISSIONS.play);
  const manage = requirePermission(auth, PLAY_PERMISSIONS.manage);
  const after = readAfter(projectors, PLAY);
  const me = (c: Context<HubEnv>) => c.get('user').id;
  const canManage = (c: Context<HubEnv>) => auth.can(c.get('user').role, PLAY_PERMISSIONS.manage);
  const param = (c: Context<HubEnv>, name: string) => {
    const value = c.req.param(name) ?? '';
    if (!ID.test(value)) throw commonErrors.notFound(`No such ${name.replace('_id', '')}.`, { field: name });
    return value;
  };
  const accepted = (
    c: Context<HubEnv>,
    result: { seq: number; appended: number; duplicate: boolean },
    extra: Omit<Accepted, 'seq'> = {},
  ) =>
    c.json(
      { seq: result.seq, ...extra } satisfies Accepted,
      result.appended > 0 && !result.duplicate ? 201 : 200,
    );

  async function existingUser(userId: string, field: string) {
    const user = await findUser(db, userId);
    if (!user) throw commonErrors.notFound(`No such person: ${userId}.`, { field });
    return user;
  }

  return {
    db,
    writer,
    /** For the claims of commands that generate ids (see generatingCommand). */
    appender,
    /** The play-scores query model. */
    playScores: scores,
    read,
    play,
    manage,
    after,
    me,
    canManage,
    param,
    accepted,
    existingUser,
  };
}
