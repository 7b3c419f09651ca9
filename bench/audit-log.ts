// Figure: the audit read model (one projection per stream, projectors/audit-log) catching up on
// a mixed history of every stream, beside Postgres taking the same rows in raw: UNNEST inserts
// of the statement the projection sends, prepared before timing, one connection, one commit per
// batch; half before and half after the catch-up, so drifting load falls on both alike.
import { sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import type { Domain } from '../contracts/subjects.ts';
import { type Entry, toEntry } from '../projectors/audit-log/entry.ts';
import { envelopeBytes, eventMessage } from '../projectors/audit-log/events.fixture.ts';
import * as migration from '../projectors/audit-log/migrations/20270110T1000_entries.ts';
import { auditLogProjections, insertEntries } from '../projectors/audit-log/projection.ts';
import { createProjectorRunner } from '../projectors/runtime/runner.ts';
import type { StoredEvent } from '../projectors/runtime/types.ts';
import { openDb } from '../test/db.ts';
import { type Log, openLog } from '../writers/log/open.ts';
import { auditSeedEvent } from './audit-seed.ts';
import { inLanes, timed } from './lanes.ts';
import type { FigureResult, Measurement, ReplayFigureOptions } from './types.ts';

/** Events encoded, published or prepared at a time: a million never sit in memory at once. */
const CHUNK = 20_000;

export async function measureAuditLog({
  ctx,
  events,
  publishInFlight,
  unnestBatch,
  step,
}: ReplayFigureOptions): Promise<FigureResult> {
  const log: Log = await openLog({ nc: ctx.nc, names: ctx.names('a') });
  const start = new Date('2030-03-01T00:00:00Z');
  step(`publishing ${events} mixed events (chat, identity, play, home, media)`);
  const last = new Map<string, number>();
  for (let from = 0; from < events; from += CHUNK) {
    const n = Math.min(CHUNK, events - from);
    const chunk = Array.from({ length: n }, (_, k) => {
      const e = auditSeedEvent(log.names, from + k, start);
      return { subject: e.subject, data: envelopeBytes(e.domain, e.event, e.meta) };
    });
    await inLanes(n, publishInFlight, async (k) => {
      const m = chunk[k] as (typeof chunk)[number];
      const ack = await log.js.publish(m.subject, m.data);
      last.set(ack.stream, Math.max(last.get(ack.stream) ?? 0, ack.seq));
    });
  }

  const url = await ctx.database('a');
  const raw = await openRaw(url, unnestBatch);
  try {
    const half = Math.floor(events / 2);
    step('Postgres UNNEST baseline, first half');
    const before = await raw.insert(log, 0, half, start);
    step('audit read model catch-up (six streams)');
    const figure = await catchUp(url, log, last, events);
    step('Postgres UNNEST baseline, second half');
    const after = await raw.insert(log, half, events - half, start);
    const baseline: Measurement = {
      label: `Postgres UNNEST insert of the same rows, ${unnestBatch} rows per commit`,
      unit: 'rows/s',
      value: events / (before + after),
      count: events,
      seconds: before + after,
      details: {
        batchSize: unnestBatch,
        partRates: `${Math.round(half / before)}/${Math.round((events - half) / after)}`,
      },
    };
    return {
      id: 'audit-log',
      title: 'audit read model catch-up (every stream)',
      figure,
      baseline,
      target: { description: '≥ 40% of the raw Postgres UNNEST rate of the same rows', minRatio: 0.4 },
    };
  } finally {
    await raw.close();
  }
}

async function catchUp(
  url: string,
  log: Log,
  last: Map<string, number>,
  events: number,
): Promise<Measurement> {
  const { db, pool } = openDb(url, 12);
  const runner = createProjectorRunner({
    db,
    pool,
    log,
    projections: auditLogProjections,
    logger: pino({ level: 'silent' }),
  });
  try {
    await runner.migrate();
    const cpu = process.cpuUsage();
    const { seconds } = await timed(async () => {
      await runner.start();
      for (const p of auditLogProjections) {
        const lastSeq = last.get(log.names.stream(p.domain)) ?? 0;
        if (lastSeq > 0 && !(await runner.waitFor(p.name, lastSeq, 600_000)))
          throw new Error(`${p.name} did not reach seq ${lastSeq}`);
      }
    });
    const used = process.cpuUsage(cpu);
    const counts = auditLogProjections.map(
      (p) => sql`(SELECT count(*) FROM ${sql.table(`${p.name}.entries`)})`,
    );
    const { rows } = await sql<{ n: string }>`SELECT ${sql.join(counts, sql` + `)} AS n`.execute(db);
    return {
      label: 'audit read model catch-up (six projections)',
      unit: 'events/s',
      value: events / seconds,
      count: events,
      seconds,
      details: {
        rows: Number(rows[0]?.n ?? 0),
        cpuUsPerEvent: Math.round((used.user + used.system) / events),
      },
    };
  } finally {
    await runner.stop();
    await db.destroy();
  }
}

/** The same table as the read model's, written the way it writes, with nothing else around. */
async function openRaw(url: string, batchSize: number) {
  const { db } = openDb(url, 1);
  await sql`CREATE SCHEMA bench_raw`.execute(db);
  await migration.up(db.withSchema('bench_raw'));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    /** Inserts the entries of events [from, from + count) and returns the seconds spent in Postgres. */
    insert: async (log: Log, from: number, count: number, start: Date) => {
      let seconds = 0;
      for (let chunk = from; chunk < from + count; chunk += CHUNK) {
        const statements: { sql: string; parameters: readonly unknown[] }[] = [];
        const end = Math.min(chunk + CHUNK, from + count);
        for (let b = chunk; b < end; b += batchSize) {
          const rows: Entry[] = [];
          for (let i = b; i < Math.min(b + batchSize, end); i++) rows.push(entryOf(log, i, start));
          statements.push(insertEntries('bench_raw', rows, true).compile(db));
        }
        seconds += (
          await timed(async () => {
            for (const s of statements) await client.query(s.sql, [...s.parameters]);
          })
        ).seconds;
      }
      return seconds;
    },
    close: async () => {
      await client.end();
      await db.destroy();
    },
  };
}

/** Event i's row, as the read model makes it from the decoded event (sequences are the index). */
function entryOf(log: Log, i: number, start: Date): Entry {
  const e = auditSeedEvent(log.names, i, start);
  const value = eventMessage(e.domain, e.event);
  const stored = {
    stream: log.names.stream(e.domain),
    seq: i + 1,
    subject: e.subject,
    type: value.$typeName,
    occurredAt: e.meta.at ?? start,
    actorId: e.meta.actorId ?? '',
    onBehalfOf: e.meta.onBehalfOf ?? '',
    clientIp: e.meta.clientIp ?? '',
    userAgent: e.meta.userAgent ?? '',
    event: { case: e.event.case, value },
  } as unknown as StoredEvent;
  return toEntry(e.domain as Domain, stored);
}
