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
  return async (fileId, viewer) => {
    const row = await findReadableFile(db, fileId, viewer);
    if (row) return row;
    if ((await findFile(db, fileId))?.kind !== 'attachment' || !(await caughtUp())) return undefined;
    return findReadableFile(db, fileId, viewer);
  };
}
