// The media API: uploading, the family's media settings, and what uploads do on this hub now.
// Files, the gallery and albums are in files.routes.ts and albums.routes.ts.
import { unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { type Context, Hono } from 'hono';
import { commonErrors } from '../../contracts/errors.ts';
import type { Accepted, MediaSettings, MediaStatus, UploadResponse } from '../../contracts/media.api.ts';
import { mediaSettingsBody } from '../../contracts/media.schema.ts';
import { MEDIA_FILES } from '../../projectors/media-files/projection.ts';
import { mediaSettings } from '../../projectors/media-files/queries.ts';
import { mediaErrors } from '../../writers/media/errors.ts';
import { newId } from '../../writers/play/ids.ts';
import { commandMeta, generatingCommand } from '../http/command.ts';
import type { HubEnv } from '../http/context.ts';
import { MEDIA_PERMISSIONS } from '../http/permissions.ts';
import { readAfter } from '../http/read-after.ts';
import { requirePermission } from '../http/session.ts';
import { jsonBody } from '../http/validate.ts';
import { videoPostersAvailable } from './images.ts';
import type { MediaKit } from './kit.ts';
import { closeAfterRefusal, type ReceivedFile, receiveUpload, refuseUnread } from './multipart.ts';
import { maxBytesFor, partOf, storeUpload } from './upload.ts';

export function mediaRoutes(kit: MediaKit): Hono<HubEnv> {
  const { deps, writer, scanner, config, setProfileImage } = kit;
  const { auth, db, projectors, appender } = deps;
  const app = new Hono<HubEnv>();
  const read = requirePermission(auth, MEDIA_PERMISSIONS.read);
  const manage = requirePermission(auth, MEDIA_PERMISSIONS.manage);
  const after = readAfter(projectors, MEDIA_FILES);
  const maxBytes = maxBytesFor(config);

  /**
   * May this person upload now: members and admins always, children when the family allows.
   * The settings as the log has them now (an upload decides by them), not the read model's.
   */
  const mayUpload = async (role: string) =>
    auth.can(role, MEDIA_PERMISSIONS.upload) || (await writer.settings()).childrenMayUpload;

  app.post('/upload', read, async (c) => {
    const user = c.get('user');
    if (!(await mayUpload(user.role))) {
      // Nothing read the body: stop it and linger, so the child hears 403, not a reset.
      refuseUnread(c);
      throw mediaErrors.childrenMayNotUpload();
    }
    let file: ReceivedFile;
    try {
      file = await receiveUpload({
        request: incomingOf(c),
        maxBytes,
        tmpDir: config.tmpDir,
        idleTimeoutMs: config.idleTimeoutMs,
      });
    } catch (err) {
      // The rest of the body is not read: the connection closes once this answer is sent.
      closeAfterRefusal(c);
      throw err;
    }
    // storeUpload removes its temp files; this covers a failure before it begins.
    let stored: Awaited<ReturnType<typeof storeUpload>>;
    try {
      const { meta, made } = await generatingCommand(c, {
        body: { sha256: file.sha256, kind: file.kind, file_name: file.fileName },
        make: () => ({ fileId: newId() }),
        appender,
      });
      // The policy in force now decides what is kept (and which stored variant is reused).
      const settings = await writer.settings();
      stored = await storeUpload(
        { file, fileId: made.fileId, ownerId: user.id, stripLocation: settings.stripLocation, meta },
        kit,
      );
      if (file.kind === 'avatar') {
        // Every avatar renderer reads the profile image: it points at this file from now on.
        const image = `${deps.config.publicUrl}${stored.thumbnailUrl || stored.url}`;
        await writer.changeAvatar(
          { memberId: user.id, fileId: stored.fileId, url: image },
          partOf(meta, 'avatar'),
        );
        // Only the session cookie: the body was read from the node request, not c.req.raw.
        const headers = new Headers({ cookie: c.req.header('cookie') ?? '' });
        await setProfileImage({ headers, userId: user.id, image });
      }
    } finally {
      await unlink(file.path).catch(() => undefined);
    }
    return c.json(
      {
        id: stored.fileId,
        url: stored.url,
        thumbnail_url: stored.thumbnailUrl,
        sha256: file.sha256,
        size_bytes: file.sizeBytes,
        seq: stored.seq,
      } satisfies UploadResponse,
      201,
    );
  });

  app.get('/media/status', read, async (c) => {
    const ready = scanner.configured && (await scanner.ping());
    return c.json({
      scanner: ready ? 'ready' : 'unavailable',
      scanner_note: scannerNote(scanner.configured, ready),
      video_posters: await videoPostersAvailable(config.ffmpeg),
      max_file_size: config.maxFileSize,
      max_avatar_size: config.maxAvatarSize,
      can_upload: await mayUpload(c.get('user').role),
    } satisfies MediaStatus);
  });

  app.get('/media/settings', read, after, async (c) => {
    const s = await mediaSettings(db);
    return c.json({
      children_may_upload: s.children_may_upload,
      strip_location: s.strip_location,
    } satisfies MediaSettings);
  });

  app.put('/media/settings', manage, jsonBody(mediaSettingsBody, { nullIsAbsent: true }), async (c) => {
    const body = c.req.valid('json');
    const result = await writer.changeSettings(
      {
        childrenMayUpload: body.children_may_upload,
        stripLocation: body.strip_location,
        by: c.get('user').id,
      },
      commandMeta(c, body),
    );
    return c.json({ seq: result.seq } satisfies Accepted, 200);
  });

  return app;
}

/** The node request under @hono/node-server (read directly, stoppable); the web Request elsewhere. */
function incomingOf(c: Context<HubEnv>): IncomingMessage | Request {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming) return incoming;
  if (!c.req.raw) throw commonErrors.invalidRequest();
  return c.req.raw;
}

export const SCANNER_UNCONFIGURED =
  'Uploads are off: this hub has no virus scanner. An admin sets CLAMD_URL to a clamd (for example tcp://127.0.0.1:3310) and restarts Hearth.';

function scannerNote(configured: boolean, ready: boolean): string {
  if (!configured) return SCANNER_UNCONFIGURED;
  if (!ready) return 'The virus scanner (clamd) is not answering, so uploads are refused until it is back.';
  return '';
}
