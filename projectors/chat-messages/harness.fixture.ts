// Real NATS and Postgres for the chat read model specs: a namespace and a database per file,
// the users and chat projections running, and a chat writer to make events with.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import pino from 'pino';
import { openDb } from '../../test/db.ts';
import { testDatabase, testNats } from '../../test/services.ts';
import type { AttachedFile } from '../../writers/chat/attachments.ts';
import { type ChatWriter, createChatWriter } from '../../writers/chat/commands.ts';
import { createChatReader } from '../../writers/chat/load.ts';
import { type CommandMeta, createAppender } from '../../writers/log/append.ts';
import { type Log, openLog } from '../../writers/log/open.ts';
import { chatChannelsProjection } from '../chat-channels/projection.ts';
import { familyReactor } from '../chat-family/reactor.ts';
import { createProjectorRunner, type ProjectorRunner } from '../runtime/runner.ts';
import type { AnyProjection } from '../runtime/types.ts';
import { chatMessagesProjection } from './projection.ts';

export type ChatHarness = {
  db: Kysely<unknown>;
  log: Log;
  runner: ProjectorRunner;
  chat: ChatWriter;
  /** The files the writer's media lookup knows: add some before attaching them. */
  files: Map<string, AttachedFile>;
  meta: (actorId?: string) => CommandMeta;
  /** Resolves once every chat read model has applied `seq`. */
  settled: (seq: number) => Promise<void>;
  stop: () => Promise<void>;
};

export async function startChatHarness(): Promise<ChatHarness> {
  const nats = await testNats();
  const database = await testDatabase();
  const { db, pool }: { db: Kysely<unknown>; pool: pg.Pool } = openDb(database.url);
  // Dropping the database at the end cuts connections still closing; that is not a failure.
  pool.on('error', () => undefined);
  const log = await openLog({ nc: nats.nc, names: nats.names });
  const files = new Map<string, AttachedFile>();
  const chat = createChatWriter({
    appender: createAppender({ log }),
    reader: createChatReader({ log }),
    lookupFiles: async (ids) => new Map(ids.flatMap((id) => files.get(id) ?? []).map((f) => [f.id, f])),
  });
  const runner = createProjectorRunner({
    db,
    pool,
    log,
    projections: [
      chatChannelsProjection,
      chatMessagesProjection,
      familyReactor({ chat }),
    ] as unknown as AnyProjection[],
    logger: pino({ level: 'silent' }),
  });
  await runner.migrate();
  await runner.start();
  return {
    db,
    log,
    runner,
    chat,
    files,
    meta: (actorId = 'ann') => ({ commandId: randomUUID(), actorId, correlationId: 'test', now: new Date() }),
    settled: async (seq) => {
      for (const name of ['chat_channels', 'chat_messages'])
        if (!(await runner.waitFor(name, seq, 5000))) throw new Error(`${name} did not reach ${seq}`);
    },
    stop: async () => {
      await runner.stop();
      await db.destroy();
      await database.cleanup();
      await nats.cleanup();
    },
  };
}
