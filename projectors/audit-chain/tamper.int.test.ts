// The chain on a real stream catches what someone with the NATS store or account could do
// around deny_delete and deny_purge: an event removed, altered, events swapped (in a restored
// copy or an export), a chain rewritten and re-signed without the key. Each report names the
// sequence and why.
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditStreamReport } from '../../contracts/audit.api.ts';
import { type ChainEvent, generateSigningKey, link, ZERO_LINK } from '../../writers/audit/chain.ts';
import { appendCheckpoint, readCheckpoints } from '../../writers/audit/checkpoints.ts';
import { exportLine, verifyExport } from '../../writers/audit/export-file.ts';
import { verifyStream } from '../../writers/audit/verify-stream.ts';
import { type ChainedLog, chainedLog } from './chain.fixture.ts';
import { readPosition } from './tables.ts';

let t: ChainedLog | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

/** 12 events on CHAT, chained and checkpointed every 5 and at the end (5, 10, 12). */
async function chained(): Promise<ChainedLog> {
  t = await chainedLog();
  for (const n of [5, 5, 2]) {
    await t.publish(n);
    await t.caughtUp('CHAT');
    await t.chainer().checkpointAll();
  }
  return t;
}

const verify = (log: ChainedLog, fromSeq?: number) =>
  verifyStream({
    log: log.log,
    stream: 'CHAT',
    key: log.key,
    fromSeq,
    storedLinks: log.chainer().links('CHAT'),
  });

const kinds = (r: AuditStreamReport) => r.problems.map((p) => [p.seq, p.kind]);

describe('an untampered stream', () => {
  it('verifies, every checkpoint checked, and from any sequence', async () => {
    const log = await chained();
    const report = await verify(log);
    expect(report).toMatchObject({
      ok: true,
      from_seq: 1,
      to_seq: 12,
      events: 12,
      checkpoints: 3,
      signed_through: 12,
    });
    const later = await verify(log, 8);
    expect(later).toMatchObject({ ok: true, from_seq: 8, to_seq: 12, events: 7, checkpoints: 2 });
  });

  it('refuses to delete or purge an event through the API', async () => {
    const log = await chained();
    const stream = log.log.names.stream('chat');
    await expect(log.log.jsm.streams.deleteMessage(stream, 3)).rejects.toThrow();
    await expect(log.log.jsm.streams.purge(stream)).rejects.toThrow();
    expect((await verify(log)).ok).toBe(true);
  });

  it('needs no further checkpoint once AUDIT has checkpointed itself (no loop)', async () => {
    const log = await chained();
    await log.caughtUp('AUDIT');
    const audit = await readPosition(log.pool, 'AUDIT');
    const checkpoints = await readCheckpoints({ log: log.log, stream: 'AUDIT' });
    const signed = checkpoints.at(-1)?.checkpoint.seq ?? 0;
    // The last AUDIT event is its own checkpoint, which asks for none: nothing is due.
    expect(audit?.seq).toBe(signed + 1);
    expect(audit?.lastOther).toBeLessThanOrEqual(signed);
  });
});

describe('a tampered stream', () => {
  it('names an event deleted (with deny_delete turned off) as missing', async () => {
    const log = await chained();
    const stream = log.log.names.stream('chat');
    await log.restore(stream, await log.copy(stream), { hardened: false });
    expect((await verify(log)).ok).toBe(true);
    await log.log.jsm.streams.deleteMessage(stream, 7);
    const report = await verify(log);
    expect(report.ok).toBe(false);
    expect(kinds(report)).toContainEqual([7, 'missing']);
  });

  it('names an event left out of a restored copy as missing', async () => {
    const log = await chained();
    const stream = log.log.names.stream('chat');
    const events = await log.copy(stream);
    await log.restore(
      stream,
      events.filter((e) => e.seq !== 4),
    );
    const report = await verify(log);
    expect(report.ok).toBe(false);
    expect(kinds(report)).toContainEqual([4, 'missing']);
  });

  it('names an event whose payload byte changed in a restored copy as altered', async () => {
    const log = await chained();
    const stream = log.log.names.stream('chat');
    const events = await log.copy(stream);
    const target = events[7] as ChainEvent;
    const payload = Buffer.from(target.payload);
    payload[10] = (payload[10] ?? 0) ^ 1;
    events[7] = { ...target, payload };
    await log.restore(stream, events);
    const report = await verify(log);
    expect(report.ok).toBe(false);
    expect(kinds(report)).toEqual(
      [
        [10, 'chain_mismatch'],
        [8, 'altered'],
      ].sort((a, b) => Number(a[0]) - Number(b[0])),
    );
  });

  it('names two events swapped in a restored copy as reordered', async () => {
    const log = await chained();
    const stream = log.log.names.stream('chat');
    const events = await log.copy(stream);
    const [a, b] = [events[1] as ChainEvent, events[2] as ChainEvent];
    events[1] = b;
    events[2] = a;
    await log.restore(stream, events);
    const report = await verify(log);
    expect(report.ok).toBe(false);
    expect(kinds(report)).toEqual([
      [2, 'reordered'],
      [3, 'reordered'],
      [5, 'chain_mismatch'],
    ]);
  });

  it('names checkpoints re-signed over a rewritten chain without the key as bad signatures', async () => {
    const log = await chained();
    const { names } = log.log;
    const stream = names.stream('chat');
    const events = await log.copy(stream);
    const target = events[2] as ChainEvent;
    events[2] = { ...target, payload: Buffer.from('a different message') };
    await log.restore(stream, events);
    // The AUDIT stream restored with CHAT's checkpoints replaced: links recomputed over the
    // altered events, signed with a key that is not the hub's.
    const forger = generateSigningKey();
    const audit = names.stream('audit');
    const kept = (await log.copy(audit)).filter((e) => e.subject !== names.audit.chain('CHAT'));
    await log.restore(audit, kept);
    let prev: Uint8Array = ZERO_LINK;
    let from = 1;
    for (const e of events) {
      prev = link(prev, e);
      if (e.seq % 5 === 0 || e.seq === 12) {
        await appendCheckpoint({
          log: log.log,
          key: forger,
          now: new Date(),
          range: { stream: 'CHAT', firstSeq: from, anchor: ZERO_LINK, seq: e.seq, link: prev },
        });
        from = e.seq + 1;
      }
    }
    const report = await verify(log);
    expect(report.ok).toBe(false);
    expect(kinds(report)).toEqual([
      [5, 'bad_signature'],
      [10, 'bad_signature'],
      [12, 'bad_signature'],
    ]);
    expect(report.signed_through).toBe(0);
  });
});

describe('an export', () => {
  it('verifies as written, and names lines swapped as reordered and an edited line as altered', async () => {
    const log = await chained();
    const events = await log.copy(log.log.names.stream('chat'));
    const lines = events.map(exportLine);
    const check = (l: string[]) =>
      verifyExport({
        log: log.log,
        stream: 'CHAT',
        lines: l,
        key: log.key,
        storedLinks: log.chainer().links('CHAT'),
      });
    expect((await check(lines)).ok).toBe(true);

    const swapped = [...lines];
    [swapped[5], swapped[6]] = [lines[6] as string, lines[5] as string];
    const r1 = await check(swapped);
    expect(kinds(r1)).toEqual([[6, 'reordered']]);

    const edited = [...lines];
    const line = JSON.parse(lines[0] as string) as { payload: string };
    edited[0] = JSON.stringify({ ...line, payload: Buffer.from('edited').toString('base64') });
    const r2 = await check(edited);
    expect(kinds(r2)).toEqual([
      [1, 'altered'],
      [5, 'chain_mismatch'],
    ]);
  });
});

describe('the chainer', () => {
  it('resumes after a stop without a gap or a wrong link', async () => {
    const log = await chained();
    await log.restartChainer();
    await log.publish(9);
    await log.caughtUp('CHAT');
    await log.chainer().checkpointAll();
    const report = await verify(log);
    expect(report).toMatchObject({ ok: true, events: 21, signed_through: 21 });
    const links = await log.chainer().links('CHAT')(1, 21);
    let prev: Uint8Array = ZERO_LINK;
    for (const e of await log.copy(log.log.names.stream('chat'))) {
      prev = link(prev, e);
      expect(Buffer.from(links.get(e.seq) ?? [])).toEqual(Buffer.from(prev));
    }
  });
});
