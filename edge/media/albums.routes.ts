// Albums: any member makes one and adds the family's files to it; everyone sees them, each
// without the chat attachments they may not read. A chat attachment goes in only by its sender.
import type { Hono } from 'hono';
import type { Accepted, AlbumDetail, AlbumList, Created } from '../../contracts/media.api.ts';
import { albumFileBody, createAlbumBody } from '../../contracts/media.schema.ts';
import { MEDIA_FILES } from '../../projectors/media-files/projection.ts';
import { asAlbum, findAlbum, listAlbums } from '../../projectors/media-files/queries.ts';
import { mediaErrors } from '../../writers/media/errors.ts';
import { newId } from '../../writers/play/ids.ts';
import { commandMeta, generatingCommand } from '../http/command.ts';
import type { HubEnv } from '../http/context.ts';
import { MEDIA_PERMISSIONS } from '../http/permissions.ts';
import { readAfter } from '../http/read-after.ts';
import { requirePermission } from '../http/session.ts';
import { jsonBody } from '../http/validate.ts';
import { readableFile } from './access.ts';
import type { MediaKit } from './kit.ts';

const ID = /^[A-Za-z0-9_-]{1,128}$/;

export function albumRoutes(app: Hono<HubEnv>, { deps, writer }: MediaKit): void {
  const { auth, db, projectors, appender } = deps;
  const read = requirePermission(auth, MEDIA_PERMISSIONS.read);
  const upload = requirePermission(auth, MEDIA_PERMISSIONS.upload);
  const after = readAfter(projectors, MEDIA_FILES);
  const readable = readableFile(deps);
  const albumId = (id: string) => {
    if (!ID.test(id)) throw mediaErrors.albumNotFound(undefined, { field: 'id' });
    return id;
  };

  app.get('/albums', read, after, async (c) =>
    c.json({ albums: (await listAlbums(db, c.get('user').id)).map(asAlbum) } satisfies AlbumList),
  );

  app.post('/albums', upload, jsonBody(createAlbumBody), async (c) => {
    const body = c.req.valid('json');
    const { meta, made } = await generatingCommand(c, { body, make: () => ({ id: newId() }), appender });
    const result = await writer.onAlbum(
      { type: 'create', albumId: made.id, title: body.title, by: c.get('user').id },
      meta,
    );
    return c.json({ id: made.id, seq: result.seq } satisfies Created, result.duplicate ? 200 : 201);
  });

  app.get('/albums/:id', read, after, async (c) => {
    const found = await findAlbum(db, albumId(c.req.param('id')), c.get('user').id);
    if (!found) throw mediaErrors.albumNotFound(undefined, { field: 'id' });
    return c.json({ album: asAlbum(found.album), files: found.files } satisfies AlbumDetail);
  });

  app.post('/albums/:id/files', upload, jsonBody(albumFileBody), async (c) => {
    const id = albumId(c.req.param('id'));
    const body = c.req.valid('json');
    const user = c.get('user');
    const file = await readable(body.file_id, user.id);
    if (!file) throw mediaErrors.fileNotFound(undefined, { field: 'file_id' });
    // Everyone sees an album: a file sent in a chat is not its channel's to show the family.
    if (file.kind === 'attachment' && file.owner_id !== user.id)
      throw mediaErrors.notYourAttachment(undefined, { field: 'file_id' });
    const result = await writer.onAlbum(
      { type: 'add', albumId: id, fileId: body.file_id, by: user.id },
      commandMeta(c, body),
    );
    return c.json({ seq: result.seq } satisfies Accepted, 200);
  });

  app.delete('/albums/:id/files/:fileId', upload, async (c) => {
    const id = albumId(c.req.param('id'));
    const fileId = c.req.param('fileId');
    if (!ID.test(fileId)) throw mediaErrors.notInAlbum(undefined, { field: 'fileId' });
    const result = await writer.onAlbum(
      { type: 'remove', albumId: id, fileId, by: c.get('user').id },
      commandMeta(c),
    );
    return c.json({ seq: result.seq } satisfies Accepted, 200);
  });
}
