// What media knows of the files a post attaches, from the media read model. An upload answers
// before its event is applied there, and a person may send the message at once: an id the
// read model does not know yet is looked up again once it has applied the MEDIA stream as it
// stood (bounded), before the post is refused as attaching an unknown file.
import { type Kysely, sql } from 'kysely';
import { MEDIA_FILES } from '../../projectors/media-files/projection.ts';
import type { FileRow } from '../../projectors/media-files/tables.ts';
import type { AttachedFile, LookupFiles } from '../../writers/chat/attachments.ts';
import { toUnavailable } from '../../writers/log/link.ts';
import type { Log } from '../../writers/log/open.ts';

const CATCH_UP_MS = 2000;

export function mediaFileLookup({
  db,
  log,
  waitFor,
}: {
  db: Kysely<unknown>;
  log: Log;
  /** The projector runner's: true once the read model has applied `seq`. */
  waitFor: (readModel: string, seq: number, timeoutMs: number) => Promise<boolean>;
}): LookupFiles {
  return async (ids) => {
    const found = await filesById(db, ids);
    if (ids.every((id) => found.has(id))) return found;
    const { state } = await log.link
      .reach(() => log.jsm.streams.info(log.names.stream('media')))
      .catch((err: unknown) => {
        throw toUnavailable(err);
      });
    if (!(await waitFor(MEDIA_FILES, state.last_seq, CATCH_UP_MS))) return found;
    return filesById(db, ids);
  };
}

async function filesById(db: Kysely<unknown>, ids: readonly string[]): Promise<Map<string, AttachedFile>> {
  const { rows } = await sql<FileRow>`
    SELECT * FROM ${sql.table(`${MEDIA_FILES}.files`)} WHERE file_id = ANY(${[...ids]}::text[])`.execute(db);
  return new Map(
    rows.map((r) => [
      r.file_id,
      {
        id: r.file_id,
        ownerId: r.owner_id,
        deleted: r.deleted_seq !== null,
        contentType: r.content_type,
        fileName: r.file_name,
        sizeBytes: Number(r.size_bytes),
        width: r.width,
        height: r.height,
        hasThumbnail: r.has_thumbnail,
      },
    ]),
  );
}
