// A member's files go with their erasure. Meeting MemberErased on the MEDIA stream, it deletes
// every live file they own (gallery photos and videos, chat attachments, avatars) as Hearth
// itself; the last deletion of a blob releases its key and media_release removes the bytes,
// so bytes another member's upload still points at stay theirs. media_files, applied up to the
// erasure before this reacts (reactor.ts), lists the files. An upload of theirs still in flight
// lands after it, nameless as their key is gone (StoredEvent.erased): it is deleted too.
//
// Each deletion's command id is derived from the erasure and the file, so a redelivered batch
// issues none twice; a file deleted meanwhile (by its owner before, or by this reactor's
// previous attempt) is refused as not found, which is done.
import { sql } from 'kysely';
import { HearthError } from '../../contracts/errors.ts';
import type { MediaEvent } from '../../contracts/gen/hearth/media/v1/events_pb.ts';
import type { MediaWriter } from '../../writers/media/commands.ts';
import { mediaErrors } from '../../writers/media/errors.ts';
import { MEDIA_FILES } from '../media-files/projection.ts';
import type { Reactor } from '../runtime/types.ts';

export const MEDIA_ERASURE = 'media_erasure';

/** Deleted by Hearth, not by a member: the audit log shows the erasure that caused it. */
const SYSTEM = '';

type FileRow = { file_id: string; sha256: string };

export function mediaErasureReactor({
  media,
}: {
  media: Pick<MediaWriter, 'onBlob'>;
}): Reactor<unknown, MediaEvent> {
  return {
    name: MEDIA_ERASURE,
    domain: 'media',
    reads: [MEDIA_FILES],
    wants: (e) => e.event.case === 'memberErased' || (e.event.case === 'fileUploaded' && e.erased === true),
    react: async (events, { db, logger, issue }) => {
      const remove = async (cause: (typeof events)[number], file: FileRow): Promise<boolean> => {
        try {
          await issue({
            cause,
            key: `${MEDIA_ERASURE}:${cause.stream}:${cause.seq}:${file.file_id}`,
            run: (meta) =>
              media.onBlob(
                { type: 'delete', fileId: file.file_id, sha256: file.sha256, by: SYSTEM, mayManage: true },
                meta,
              ),
          });
          return true;
        } catch (err) {
          if (!(err instanceof HearthError && err.code === mediaErrors.fileNotFound().code)) throw err;
          return false;
        }
      };
      for (const e of events) {
        if (e.event.case === 'fileUploaded') {
          // Uploaded by a member whose key is gone: in flight when they were erased.
          const { fileId, sha256, ownerId } = e.event.value;
          if (await remove(e, { file_id: fileId, sha256 })) {
            logger.info({ memberId: ownerId, fileId }, "an erased member's late upload deleted");
          }
          continue;
        }
        if (e.event.case !== 'memberErased') continue;
        const { memberId } = e.event.value;
        const { rows } = await sql<FileRow>`
          SELECT file_id, sha256 FROM ${sql.table(`${MEDIA_FILES}.files`)}
          WHERE owner_id = ${memberId} AND deleted_seq IS NULL ORDER BY seq`.execute(db);
        let deleted = 0;
        for (const file of rows) if (await remove(e, file)) deleted++;
        logger.info({ memberId, files: rows.length, deleted }, "an erased member's files deleted");
      }
    },
  };
}
