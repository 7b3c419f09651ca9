// Who may read a file: photos and avatars, the family; a chat attachment, its sender and the
// members of a channel it is posted in (projectors/media-files/queries.ts says so in SQL).
// A message is pushed to its channel before the chat read models have applied it, and its
// pictures are fetched at once: an attachment someone may not read yet is asked again once
// those read models have caught up with the chat stream as it stood (bounded), before 404.
import { chatChannelsProjection } from '../../projectors/chat-channels/projection.ts';
import { chatMessagesProjection } from '../../projectors/chat-messages/projection.ts';
import { findFile, findReadableFile, type StoredFile } from '../../projectors/media-files/queries.ts';
import { toUnavailable } from '../../writers/log/link.ts';
import type { HubDeps } from '../http/deps.ts';

const CATCH_UP_MS = 2000;
/** Older than this, an attachment's message is long applied: no wait before a 404. */
const YOUNG_MS = 60_000;
const CHAT_READ_MODELS = [chatMessagesProjection.name, chatChannelsProjection.name];

export type ReadableFile = (fileId: string, viewer: string) => Promise<StoredFile | undefined>;

export function readableFile({
  db,
  log,
  projectors,
}: Pick<HubDeps, 'db' | 'log' | 'projectors'>): ReadableFile {
  const caughtUp = async () => {
    const { state } = await log.link
      .reach(() => log.jsm.streams.info(log.names.stream('chat')))
      .catch((err: unknown) => {
        throw toUnavailable(err);
      });
    const done = await Promise.all(
      CHAT_READ_MODELS.map((name) => projectors.waitFor(name, state.last_seq, CATCH_UP_MS)),
    );
    return done.every(Boolean);
  };
  // One catch-up at a time serves every request that needs one: a burst of refused reads
  // costs one stream info and one wait, not one each.
  let pending: Promise<boolean> | undefined;
  const sharedCatchUp = () => {
    pending ??= caughtUp().finally(() => {
      pending = undefined;
    });
    return pending;
  };
  return async (fileId, viewer) => {
    const row = await findReadableFile(db, fileId, viewer);
    if (row) return row;
    // Only a new attachment can be on a message the read models have not applied yet.
    const file = await findFile(db, fileId);
    if (file?.kind !== 'attachment' || Date.now() - file.created_at.getTime() > YOUNG_MS) return undefined;
    if (!(await sharedCatchUp())) return undefined;
    return findReadableFile(db, fileId, viewer);
  };
}
