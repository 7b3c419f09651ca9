// One file's metadata, its bytes (or thumbnail), deleting it, and the family gallery.
// Everyone in the family sees every photo and avatar; a chat attachment only its sender and
// the members of a channel it is posted in (anyone else: 404, as if there were none, admins
// included). Only a file's owner or an admin deletes it; deleting an avatar takes it off the
// profile.
import type { Hono } from 'hono';
import type { MediaPage } from '../../contracts/media.api.ts';
import { downloadQuery, mediaQuery } from '../../contracts/media.schema.ts';
import { MEDIA_FILES } from '../../projectors/media-files/projection.ts';
import { asMediaFile, findFile, galleryPage, type StoredFile } from '../../projectors/media-files/queries.ts';
import { thumbnailKey } from '../../writers/media/blob.ts';
import { mediaErrors } from '../../writers/media/errors.ts';
import { commandMeta } from '../http/command.ts';
import type { HubEnv } from '../http/context.ts';
import { MEDIA_PERMISSIONS } from '../http/permissions.ts';
import { readAfter } from '../http/read-after.ts';
import { requirePermission } from '../http/session.ts';
import { queryParams } from '../http/validate.ts';
import { readableFile } from './access.ts';
import type { MediaKit } from './kit.ts';
import { serveBlob } from './serve.ts';

const ID = /^[A-Za-z0-9_-]{1,128}$/;
const PAGE = 50;
const MAX_PAGE = 100;

export function fileRoutes(app: Hono<HubEnv>, { deps, writer, store, setProfileImage }: MediaKit): void {
  const { auth, db, projectors } = deps;
  const read = requirePermission(auth, MEDIA_PERMISSIONS.read);
  const after = readAfter(projectors, MEDIA_FILES);
  const readable = readableFile(deps);

  /** A live file this person may read, or 404 (an id that could not be one is no file either). */
  const fileOf = async (id: string, viewer: string): Promise<StoredFile> => {
    const row = ID.test(id) ? await readable(id, viewer) : undefined;
    if (!row) throw mediaErrors.fileNotFound(undefined, { field: 'id' });
    return row;
  };

  app.get('/files/:id', read, after, async (c) =>
    c.json(asMediaFile(await fileOf(c.req.param('id'), c.get('user').id))),
  );

  app.get('/files/:id/download', read, queryParams(downloadQuery), after, async (c) => {
    const row = await fileOf(c.req.param('id'), c.get('user').id);
    const { thumb } = c.req.valid('query');
    const wantsThumb = thumb === '1' || thumb === 'true';
    if (wantsThumb && !row.has_thumbnail)
      throw mediaErrors.fileNotFound('This file has no thumbnail.', { field: 'thumb' });
    return serveBlob(c, {
      store,
      key: wantsThumb ? thumbnailKey(row.storage_key) : row.storage_key,
      contentType: wantsThumb ? 'image/webp' : row.content_type,
      fileName: wantsThumb ? `${row.file_name.replace(/\.[^.]*$/, '')}.webp` : row.file_name,
      etag: `${row.sha256}${wantsThumb ? '-thumb' : ''}`,
    });
  });

  app.delete('/files/:id', read, async (c) => {
    const user = c.get('user');
    const mayManage = auth.can(user.role, MEDIA_PERMISSIONS.manage);
    const id = c.req.param('id');
    // An admin removes any file, a chat attachment they cannot read included (an abusive
    // picture in a chat they are not in); everyone else only what they can see.
    const managed = mayManage && ID.test(id) ? await findFile(db, id) : undefined;
    const row = managed ?? (await fileOf(id, user.id));
    // An avatar's file going: the profile stops pointing at it first (if it still does; a
    // newer avatar stays), so a failure after this leaves at worst a file still there, which a
    // second DELETE removes, never a profile pointing at nothing. Owner or admin: the writer's
    // own rule, so someone it refuses clears nothing.
    if (row.kind === 'avatar' && (row.owner_id === user.id || mayManage))
      await setProfileImage({ userId: row.owner_id, image: null, onlyIfShowing: row.file_id });
    await writer.onBlob(
      {
        type: 'delete',
        fileId: row.file_id,
        sha256: row.sha256,
        by: user.id,
        mayManage,
      },
      commandMeta(c),
    );
    return c.body(null, 204);
  });

  app.get('/media', read, queryParams(mediaQuery), after, async (c) => {
    const q = c.req.valid('query');
    const limit = Math.min(Math.max(Number(q.limit ?? PAGE), 1), MAX_PAGE);
    const page = await galleryPage(db, {
      viewer: c.get('user').id,
      before: q.before === undefined ? undefined : Number(q.before),
      owner: q.owner,
      kind: q.kind,
      limit,
    });
    return c.json({
      files: page.files,
      next_before: page.nextBefore === null ? null : String(page.nextBefore),
    } satisfies MediaPage);
  });
}
