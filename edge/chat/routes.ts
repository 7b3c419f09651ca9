// The chat API under /api/v1: the seed contract (ws-token, messages, presence) plus channels,
// DMs, edits, reactions and read marks. Membership is checked on every read and write against
// the channel aggregate itself, not a read model that might lag a removal.
import { type Context, Hono } from 'hono';
import type {
  Accepted,
  ChannelCreated,
  ChannelDetail,
  ChannelSummary,
  PresenceList,
  WsToken,
} from '../../contracts/chat.api.ts';
import {
  afterQuery,
  channelQuery,
  createChannelBody,
  markReadBody,
  userBody,
} from '../../contracts/chat.schema.ts';
import { commonErrors } from '../../contracts/errors.ts';
import { channelDetail, channelsOf } from '../../projectors/chat-channels/queries.ts';
import { findUser, isBanned } from '../../projectors/identity-users/queries.ts';
import type { ChatWriter } from '../../writers/chat/commands.ts';
import { chatErrors } from '../../writers/chat/errors.ts';
import { newId } from '../../writers/chat/ids.ts';
import type { ChatReader } from '../../writers/chat/load.ts';
import type { Channel } from '../../writers/chat/state.ts';
import { commandMeta, generatingCommand, requestOrigin } from '../http/command.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { CHAT_PERMISSIONS } from '../http/permissions.ts';
import { readAfter } from '../http/read-after.ts';
import { requirePermission } from '../http/session.ts';
import { jsonBody, queryParams } from '../http/validate.ts';
import type { TokenStore } from '../socket/tokens.ts';
import type { HistoryCache } from './history-cache.ts';
import { messageRoutes } from './messages.routes.ts';
import type { Presence } from './presence.ts';

export type ChatServices = {
  writer: ChatWriter;
  reader: ChatReader;
  tokens: TokenStore;
  presence: Presence;
  pages: HistoryCache;
};

export function chatRoutes({ deps, chat }: { deps: HubDeps; chat: ChatServices }): Hono<HubEnv> {
  const { auth, db, projectors, appender } = deps;
  const { writer, reader, tokens, presence, pages } = chat;
  const app = new Hono<HubEnv>();
  const read = requirePermission(auth, CHAT_PERMISSIONS.read);
  const write = requirePermission(auth, CHAT_PERMISSIONS.write);
  const me = (c: Context<HubEnv>) => c.get('user').id;
  const canModerate = (c: Context<HubEnv>) => auth.can(c.get('user').role, CHAT_PERMISSIONS.moderate);

  async function memberOf(channelId: string, userId: string): Promise<Exclude<Channel, { status: 'none' }>> {
    const { state } = await reader.channel(channelId);
    if (state.status === 'none') throw chatErrors.channelNotFound();
    if (!state.members.includes(userId)) throw chatErrors.notAMember();
    return state;
  }

  async function existingUser(userId: string) {
    const user = await findUser(db, userId);
    if (!user) throw commonErrors.notFound(`No such person: ${userId}.`, { field: 'user_id' });
    return user;
  }

  /** A banned person takes no new conversation; one already open stays as it was. */
  async function newParticipant(userId: string) {
    const user = await existingUser(userId);
    if (isBanned(user)) throw chatErrors.personBanned();
    return user;
  }

  app.post('/ws-token', read, async (c) => {
    const user = c.get('user');
    const { impersonatedBy, id: sessionId } = c.get('session');
    const { token, expiresAt } = await tokens.issue({
      userId: user.id,
      sessionId,
      actorId: impersonatedBy ?? user.id,
      onBehalfOf: impersonatedBy ? user.id : undefined,
      role: user.role,
      ...requestOrigin(c),
    });
    return c.json({ token, expires_at: expiresAt.toISOString() } satisfies WsToken);
  });

  app.get('/presence', read, queryParams(channelQuery), async (c) => {
    const { channel } = c.req.valid('query');
    const state = await memberOf(channel, me(c));
    return c.json(
      // The same shape as the presence frame, so a client handles both with one function.
      state.members.map((userId) => ({
        type: 'presence',
        user_id: userId,
        online: presence.isOnline(userId),
        channel,
      })) satisfies PresenceList,
    );
  });

  app.get('/channels', read, queryParams(afterQuery), readAfter(projectors, 'chat_channels'), async (c) =>
    c.json((await channelsOf(db, me(c))) satisfies ChannelSummary[]),
  );

  app.post(
    '/channels',
    requirePermission(auth, CHAT_PERMISSIONS.createChannels),
    jsonBody(createChannelBody),
    async (c) => {
      const body = c.req.valid('json');
      for (const userId of body.members ?? []) await newParticipant(userId);
      const { meta, made } = await generatingCommand(c, { body, make: () => ({ id: newId() }), appender });
      const result = await writer.createChannel(
        { channelId: made.id, name: body.name, memberIds: body.members ?? [], by: me(c) },
        meta,
      );
      return c.json(
        { id: made.id, seq: result.seq } satisfies ChannelCreated,
        result.appended > 0 && !result.duplicate ? 201 : 200,
      );
    },
  );

  app.post('/dms', write, jsonBody(userBody), async (c) => {
    const body = c.req.valid('json');
    await newParticipant(body.user_id);
    const { meta } = await generatingCommand(c, { body, make: () => ({}), appender });
    const result = await writer.openDm({ with: body.user_id, by: me(c) }, meta);
    return c.json(
      { id: result.channelId, seq: result.seq } satisfies ChannelCreated,
      result.appended > 0 && !result.duplicate ? 201 : 200,
    );
  });

  app.get(
    '/channels/:id',
    read,
    queryParams(afterQuery),
    readAfter(projectors, 'chat_channels'),
    async (c) => {
      await memberOf(c.req.param('id'), me(c));
      const detail = await channelDetail(db, c.req.param('id'));
      if (!detail) throw commonErrors.notCaughtUp(undefined, { readModel: 'chat_channels' });
      return c.json(detail satisfies ChannelDetail);
    },
  );

  app.post('/channels/:id/members', write, jsonBody(userBody), async (c) => {
    const body = c.req.valid('json');
    await newParticipant(body.user_id);
    const input = {
      channelId: c.req.param('id'),
      userId: body.user_id,
      by: me(c),
      canModerate: canModerate(c),
    };
    return c.json({ seq: (await writer.invite(input, commandMeta(c, body))).seq } satisfies Accepted);
  });

  app.delete('/channels/:id/members/:userId', write, async (c) => {
    const input = {
      channelId: c.req.param('id'),
      userId: c.req.param('userId'),
      by: me(c),
      canModerate: canModerate(c),
    };
    return c.json({ seq: (await writer.removeMember(input, commandMeta(c))).seq } satisfies Accepted);
  });

  app.post('/channels/:id/archive', write, async (c) => {
    const input = { channelId: c.req.param('id'), by: me(c), canModerate: canModerate(c) };
    return c.json({ seq: (await writer.archive(input, commandMeta(c))).seq } satisfies Accepted);
  });

  app.post('/channels/:id/read', write, jsonBody(markReadBody), async (c) => {
    const body = c.req.valid('json');
    const input = { channelId: c.req.param('id'), userId: me(c), upToSeq: body.seq };
    return c.json({ seq: (await writer.markRead(input, commandMeta(c, body))).seq } satisfies Accepted);
  });

  app.route('/', messageRoutes({ deps, chat: { writer, pages }, memberOf }));

  return app;
}
