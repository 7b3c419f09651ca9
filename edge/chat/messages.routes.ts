// The message routes under /api/v1: history pages (answered from memory while they hold),
// posting with attachments, edits, deletions, reactions, and the mentions inbox.
import { type Context, Hono } from 'hono';
import type { Accepted, ChatMessage } from '../../contracts/chat.api.ts';
import { editMessageBody, historyQuery, postMessageBody } from '../../contracts/chat.schema.ts';
import { commonErrors } from '../../contracts/errors.ts';
import { channelsOf } from '../../projectors/chat-channels/queries.ts';
import { history, mentionsOf } from '../../projectors/chat-messages/queries.ts';
import { chatAttachment } from '../../writers/chat/attachments.ts';
import type { ChatWriter } from '../../writers/chat/commands.ts';
import { newId } from '../../writers/chat/ids.ts';
import type { Channel } from '../../writers/chat/state.ts';
import { commandMeta, generatingCommand } from '../http/command.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { CHAT_PERMISSIONS } from '../http/permissions.ts';
import { readAfter } from '../http/read-after.ts';
import { requirePermission } from '../http/session.ts';
import { jsonBody, queryParams } from '../http/validate.ts';
import type { HistoryCache } from './history-cache.ts';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export function messageRoutes({
  deps,
  chat,
  memberOf,
}: {
  deps: HubDeps;
  chat: { writer: ChatWriter; pages: HistoryCache };
  /** The channel, for a member of it (else chat.channel_not_found or chat.not_a_member). */
  memberOf: (channelId: string, userId: string) => Promise<Exclude<Channel, { status: 'none' }>>;
}): Hono<HubEnv> {
  const { auth, db, projectors, appender } = deps;
  const { writer, pages } = chat;
  const app = new Hono<HubEnv>();
  const read = requirePermission(auth, CHAT_PERMISSIONS.read);
  const write = requirePermission(auth, CHAT_PERMISSIONS.write);
  const me = (c: Context<HubEnv>) => c.get('user').id;
  const canModerate = (c: Context<HubEnv>) => auth.can(c.get('user').role, CHAT_PERMISSIONS.moderate);

  app.get('/messages', read, queryParams(historyQuery), readAfter(projectors, 'chat_messages'), async (c) => {
    const q = c.req.valid('query');
    await memberOf(q.channel, me(c));
    const limit = q.limit === undefined ? DEFAULT_LIMIT : Number(q.limit);
    if (limit < 1 || limit > MAX_LIMIT)
      throw commonErrors.invalidRequest(`limit must be between 1 and ${MAX_LIMIT}.`, { field: 'limit' });
    const beforeSeq = q.before_seq === undefined ? undefined : Number(q.before_seq);
    const before = parseBefore(q.before);
    const after = c.req.query('after');
    const body = await pages.page({
      channelId: q.channel,
      key: `${limit}|${before?.getTime() ?? ''}|${beforeSeq ?? ''}`,
      after: after === undefined ? undefined : Number(after),
      position: () => projectors.applied('chat_messages'),
      load: async () =>
        JSON.stringify(
          (await history(db, { channelId: q.channel, before, beforeSeq, limit })) satisfies ChatMessage[],
        ),
    });
    return c.body(body, 200, { 'Content-Type': 'application/json' });
  });

  app.post('/messages', write, jsonBody(postMessageBody), async (c) => {
    const body = c.req.valid('json');
    const { meta, made } = await generatingCommand(c, {
      body,
      make: () => ({ id: body.id ?? newId() }),
      // A client-chosen id is its own idempotency key when no Idempotency-Key header came.
      impliedKey: body.id ? `chat-post:${body.channel}:${body.id}` : undefined,
      appender,
    });
    const { id } = made;
    const result = await writer.post(
      {
        channelId: body.channel,
        messageId: id,
        senderId: me(c),
        content: body.content,
        mentionIds: body.mentions,
        replyToId: body.reply_to,
        attachmentIds: body.attachments,
      },
      meta,
    );
    const message: ChatMessage = {
      id,
      content: body.content,
      sender_id: me(c),
      channel_id: body.channel,
      created_at: meta.now.toISOString(),
      seq: result.seq,
      edited_at: null,
      deleted: false,
      reply_to: body.reply_to ?? null,
      mentions: result.mentionIds,
      reactions: {},
      attachments: result.attachments.map(chatAttachment),
      erased: false,
    };
    return c.json(message, result.appended > 0 && !result.duplicate ? 201 : 200);
  });

  const on = (c: Context<HubEnv>) => ({
    channelId: c.req.param('channel') ?? '',
    messageId: c.req.param('message') ?? '',
  });

  app.patch('/channels/:channel/messages/:message', write, jsonBody(editMessageBody), async (c) => {
    const body = c.req.valid('json');
    const input = { ...on(c), by: me(c), content: body.content, mentionIds: body.mentions ?? [] };
    return c.json({ seq: (await writer.edit(input, commandMeta(c, body))).seq } satisfies Accepted);
  });

  app.delete('/channels/:channel/messages/:message', write, async (c) =>
    c.json({
      seq: (await writer.remove({ ...on(c), by: me(c), canModerate: canModerate(c) }, commandMeta(c))).seq,
    } satisfies Accepted),
  );

  for (const [method, isOn] of [
    ['put', true],
    ['delete', false],
  ] as const) {
    app[method]('/channels/:channel/messages/:message/reactions/:emoji', write, async (c) => {
      const input = { ...on(c), by: me(c), emoji: c.req.param('emoji'), on: isOn };
      return c.json({ seq: (await writer.react(input, commandMeta(c))).seq } satisfies Accepted);
    });
  }

  app.get('/mentions', read, readAfter(projectors, 'chat_messages'), async (c) => {
    const mine = new Set((await channelsOf(db, me(c))).map((ch) => ch.id));
    return c.json(
      (await mentionsOf(db, me(c), 100)).filter((m) => mine.has(m.channel_id)) satisfies ChatMessage[],
    );
  });

  return app;
}

/** `before` is ISO 8601 (the seed contract) or Unix milliseconds; absent means now. */
/** No `before` is the newest page: bounded by sequence only, so no clock decides what it holds. */
function parseBefore(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d{1,15}$/.test(value) ? Number(value) : ISO.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms))
    throw commonErrors.invalidRequest('before must be an ISO 8601 time.', { field: 'before' });
  return new Date(ms);
}
