// A chat message's attachments go with it: when a message is deleted, each file its post
// carried is deleted in media on behalf of its sender, so it leaves the gallery and play's
// counts take its XP back (play_activity_media follows FileDeleted), as a deleted message
// stops counting. Only files uploaded for chat (kind 'attachment') go: a gallery photo or an
// avatar attached to a message lives on outside it. A file the same sender attached to another
// message still standing stays until that one goes too.
//
// The deleted row in chat_messages forgets its attachments (a tombstone keeps no content), so
// the files are read from the post itself on the log. media_files says whether each is still
// live, whose it is and which blob holds it; chat_messages, applied up to the deletion before
// this reacts (reactor.ts), says whether another live message carries it.
import { sql } from 'kysely';
import { HearthError } from '../../contracts/errors.ts';
import { type ChatEvent, ChatEventSchema } from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import { decodeEnvelope } from '../../writers/log/decode.ts';
import { messagesAfter } from '../../writers/log/fold.ts';
import type { Log } from '../../writers/log/open.ts';
import type { MediaWriter } from '../../writers/media/commands.ts';
import { mediaErrors } from '../../writers/media/errors.ts';
import { chatMessagesProjection } from '../chat-messages/projection.ts';
import { MEDIA_FILES } from '../media-files/projection.ts';
import type { Reactor } from '../runtime/types.ts';

export const MEDIA_CHAT = 'media_chat';
const CHAT_MESSAGES = chatMessagesProjection.name;

/** What a message's post carried: its sender and the ids of the files attached. */
export type Posted = { senderId: string; fileIds: string[] };

/** The post of a message, or null when the log no longer has it (past retention). */
export type FindPost = (channelId: string, messageId: string) => Promise<Posted | null>;

/** Reads the post from the message's own subject: its first event. */
export function postFromLog(log: Log): FindPost {
  return async (channelId, messageId) => {
    const walk = messagesAfter({
      log,
      stream: log.names.stream('chat'),
      filter: log.names.chat.message(channelId, messageId),
      afterSeq: 0,
    });
    for await (const msg of walk) {
      const { event } = decodeEnvelope(ChatEventSchema, msg.data);
      if (event.case === 'messagePosted')
        return { senderId: event.value.senderId, fileIds: event.value.attachments.map((a) => a.fileId) };
    }
    return null;
  };
}

type FileRow = {
  file_id: string;
  sha256: string;
  owner_id: string;
  kind: string;
  deleted_seq: string | null;
};

/** Refusals that mean the file is already gone or not the sender's: nothing left to do. */
const SETTLED = new Set([mediaErrors.fileNotFound().code, mediaErrors.notOwner().code]);

export function mediaChatReactor({
  media,
  findPost,
}: {
  media: Pick<MediaWriter, 'onBlob'>;
  findPost: FindPost;
}): Reactor<unknown, ChatEvent> {
  return {
    name: MEDIA_CHAT,
    domain: 'chat',
    reads: [MEDIA_FILES, CHAT_MESSAGES],
    wants: (e) => e.event.case === 'messageDeleted',
    react: async (events, { db, logger, issue }) => {
      for (const e of events) {
        if (e.event.case !== 'messageDeleted') continue;
        const { channelId, messageId } = e.event.value;
        const post = await findPost(channelId, messageId);
        if (!post || post.fileIds.length === 0) continue;
        const { rows } = await sql<FileRow>`
          SELECT file_id, sha256, owner_id, kind, deleted_seq FROM ${sql.table(`${MEDIA_FILES}.files`)}
          WHERE file_id = ANY(${post.fileIds}::text[])`.execute(db);
        for (const file of rows) {
          if (file.deleted_seq !== null || file.kind !== 'attachment' || file.owner_id !== post.senderId)
            continue;
          // Only its owner attaches a file, so only their live messages can still carry it.
          const { rows: still } = await sql<{ id: string }>`
            SELECT id FROM ${sql.table(`${CHAT_MESSAGES}.messages`)}
            WHERE sender_id = ${post.senderId} AND NOT deleted
              AND attachments @> ${JSON.stringify([{ id: file.file_id }])}::jsonb
            LIMIT 1`.execute(db);
          if (still.length > 0) continue;
          try {
            await issue({
              cause: e,
              key: `${MEDIA_CHAT}:${e.stream}:${e.seq}:${file.file_id}`,
              run: (meta) =>
                media.onBlob(
                  {
                    type: 'delete',
                    fileId: file.file_id,
                    sha256: file.sha256,
                    by: post.senderId,
                    mayManage: false,
                  },
                  // Hearth acts, caused by the deletion (its actor is on that event): the
                  // audit log shows who deleted the message, not the sender deleting files.
                  meta,
                ),
            });
          } catch (err) {
            // Deleted meanwhile (its owner was quicker than the read model): already done.
            if (!(err instanceof HearthError && SETTLED.has(err.code))) throw err;
            logger.info({ fileId: file.file_id, code: err.code }, 'attachment already gone');
          }
        }
      }
    },
  };
}
