// Figure: a blue/green rebuild of the chat read models (chat_channels, chat_messages) from a
// history of posts, up to a verified switch: replayed beside the live versions, compared with
// them table by table, swapped in. Beside it, Postgres taking the same rows through UNNEST
// inserts into a copy of the same tables, half before and half after, in the same run.
import { create } from '@bufbuild/protobuf';
import type pg from 'pg';
import pino from 'pino';
import type { EventOf } from '../contracts/events.ts';
import {
  type ChatEvent,
  ChatEventSchema,
  MessagePostedSchema,
} from '../contracts/gen/hearth/chat/v1/events_pb.ts';
import { chatChannelsProjection } from '../projectors/chat-channels/projection.ts';
import { chatMessagesProjection } from '../projectors/chat-messages/projection.ts';
import { createProjectorRunner } from '../projectors/runtime/runner.ts';
import type { AnyProjection } from '../projectors/runtime/types.ts';
import { openDb } from '../test/db.ts';
import { encode, eventHeaders } from '../writers/log/encode.ts';
import { openLog } from '../writers/log/open.ts';
import { measurePublish } from './jetstream.ts';
import { round, timed } from './lanes.ts';
import { MEMBERS } from './play.ts';
import type { SeedMessage } from './seed.ts';
import type { FigureResult, Measurement, ReplayFigureOptions } from './types.ts';

const SOURCE = 'chat_messages';
const CHANNELS = 10;

type Column = { name: string; type: string; array: boolean };

/** The same rows, in batches of column arrays, ready before any timing starts. */
async function rawCopy(client: pg.ClientBase, table: string, batchSize: number) {
  const { rows: columns } = await client.query<Column>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type, attndims > 0 OR t.typcategory = 'A' AS array
     FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
     WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [`${SOURCE}.${table}`],
  );
  await client.query('CREATE SCHEMA IF NOT EXISTS bench_bg_raw');
  await client.query(`CREATE TABLE bench_bg_raw.${table} (LIKE ${SOURCE}.${table} INCLUDING ALL)`);
  // Array columns travel as their text form (an array of arrays would flatten in unnest).
  const select = columns.map((c) => (c.array ? `"${c.name}"::text` : `"${c.name}"`)).join(', ');
  const { rows } = await client.query({ text: `SELECT ${select} FROM ${SOURCE}.${table}`, rowMode: 'array' });
  const batches: unknown[][][] = [];
  for (let start = 0; start < rows.length; start += batchSize) {
    const slice = rows.slice(start, start + batchSize) as unknown[][];
    batches.push(columns.map((c, i) => slice.map((r) => (c.type === 'jsonb' ? JSON.stringify(r[i]) : r[i]))));
  }
  const params = columns.map((c, i) => `$${i + 1}::${c.array ? 'text' : c.type}[]`).join(', ');
  const outs = columns.map((c) => (c.array ? `"${c.name}"::${c.type}` : `"${c.name}"`)).join(', ');
  const insert = `INSERT INTO bench_bg_raw.${table} SELECT ${outs} FROM unnest(${params})
    AS u(${columns.map((c) => `"${c.name}"`).join(', ')})`;
  return { batches, rows: rows.length, insert };
}

function chatSeed(log: Awaited<ReturnType<typeof openLog>>, count: number): SeedMessage[] {
  const messages: SeedMessage[] = [];
  const start = Date.UTC(2026, 0, 1);
  for (let i = 0; i < count; i++) {
    const senderId = MEMBERS[i % MEMBERS.length] as string;
    const channelId = `c${i % CHANNELS}`;
    const messageId = `p${i}`;
    const body: EventOf<ChatEvent> = {
      case: 'messagePosted',
      value: create(MessagePostedSchema, { channelId, messageId, senderId, content: `message ${i}` }),
    };
    const meta = { actorId: senderId, correlationId: `seed-${i}`, now: new Date(start + i * 1000) };
    messages.push({
      subject: log.names.chat.message(channelId, messageId),
      data: encode(ChatEventSchema, body, meta, log.keys),
      headers: eventHeaders(body, meta),
    });
  }
  return messages;
}

export async function measureBlueGreen({
  ctx,
  events,
  publishInFlight,
  unnestBatch,
  step,
}: ReplayFigureOptions): Promise<FigureResult> {
  const log = await openLog({ nc: ctx.nc, names: ctx.names('bg') });
  await log.keys.ready(MEMBERS);
  step(`encoding ${events} chat posts`);
  const seed = chatSeed(log, events);
  step('publishing the chat history');
  await measurePublish({ log, messages: seed, inFlight: publishInFlight });
  seed.length = 0;
  const url = await ctx.database('bg');
  const { db, pool } = openDb(url);
  const runner = createProjectorRunner({
    db,
    pool,
    log,
    projections: [chatChannelsProjection, chatMessagesProjection] as unknown as AnyProjection[],
    logger: pino({ level: 'silent' }),
  });
  const client = await pool.connect();
  try {
    await runner.migrate();
    await runner.start();
    step('projecting the live versions (not timed)');
    const last = (await log.jsm.streams.info(log.names.stream('chat'))).state.last_seq;
    for (const name of ['chat_channels', SOURCE])
      if (!(await runner.waitFor(name, last, 3_600_000))) throw new Error(`${name} never reached ${last}`);
    const raw = await rawCopy(client, 'messages', unnestBatch);
    const half = Math.floor(raw.batches.length / 2);
    const insert = async (from: number, to: number) => {
      const { seconds } = await timed(async () => {
        for (const params of raw.batches.slice(from, to)) await client.query(raw.insert, params);
      });
      return { count: Math.min(to * unnestBatch, raw.rows) - from * unnestBatch, seconds };
    };
    step('Postgres UNNEST baseline, first half');
    const before = await insert(0, half);
    step('blue/green rebuild of chat_channels and chat_messages, verified, switched');
    const outcomes: Record<string, { seconds: number; status: string; tables: number }> = {};
    const began = Date.now();
    // As the product runs them (`hearth rebuild chat_channels chat_messages`): side by side,
    // one read of the log for both, each verified and switched on its own.
    const { seconds } = await timed(async () => {
      await runner.rebuildTogether(['chat_channels', SOURCE], {
        onProgress: (p) => {
          if (p.finishedAt === null) return;
          outcomes[p.readModel] = {
            seconds: (Date.now() - began) / 1000,
            status: p.status,
            tables: p.verification?.tables.length ?? 0,
          };
        },
      });
    });
    for (const name of ['chat_channels', SOURCE])
      if (outcomes[name]?.status !== 'done') throw new Error(`${name} ended ${outcomes[name]?.status}`);
    step('Postgres UNNEST baseline, second half');
    const after = await insert(half, raw.batches.length);
    const parts = [before, after];
    const baseline: Measurement = {
      label: `Postgres UNNEST insert into a copy of chat_messages.messages, ${unnestBatch} rows per commit`,
      unit: 'rows/s',
      value: parts.reduce((n, p) => n + p.count, 0) / parts.reduce((n, p) => n + p.seconds, 0),
      count: parts.reduce((n, p) => n + p.count, 0),
      seconds: parts.reduce((n, p) => n + p.seconds, 0),
      details: { partRates: parts.map((p) => Math.round(p.count / p.seconds)).join('/') },
    };
    return {
      id: 'bluegreen-rebuild',
      title: 'blue/green rebuild of the chat read models up to a verified switch',
      figure: {
        label: 'rebuild chat_channels + chat_messages beside the live ones, verify, switch',
        unit: 'events/s',
        value: events / seconds,
        count: events,
        seconds,
        details: {
          channelsSeconds: round(outcomes.chat_channels?.seconds ?? 0, 2),
          messagesSeconds: round(outcomes[SOURCE]?.seconds ?? 0, 2),
          tablesVerified: (outcomes.chat_channels?.tables ?? 0) + (outcomes[SOURCE]?.tables ?? 0),
        },
      },
      baseline,
      target: { description: '≥ 50% of the raw Postgres UNNEST rate into the same tables', minRatio: 0.5 },
    };
  } finally {
    client.release();
    await runner.stop();
    await db.destroy();
  }
}
