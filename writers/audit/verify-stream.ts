// Verifies a stream of the log, or a stream's export file, against its signed checkpoints.
import type { KeyObject } from 'node:crypto';
import type { AuditStreamReport } from '../../contracts/audit.api.ts';
import type { Log } from '../log/open.ts';
import { type ChainEvent, linkWire, verifyCheckpoint, ZERO_LINK } from './chain.ts';
import { readCheckpoints } from './checkpoints.ts';
import { readRaw, toChainEvent } from './read-raw.ts';
import { readWire, WIRE_FIELDS, type WireBatch } from './read-wire.ts';
import {
  type LinkBatch,
  linkBatch,
  type SignedCheckpoint,
  type StoredLinks,
  startFor,
  verifyEvents,
} from './verify.ts';

export type VerifyKey = { publicKey: KeyObject; keyId: string };

/**
 * Where to start and from what: link(0) is zero; else the newest signed checkpoint at or before
 * fromSeq - 1 while what follows it is retained; else (expired past it) the chainer's kept link
 * before the first retained event, which the next signed checkpoint confirms or refutes.
 */
async function anchorFor({
  checkpoints,
  key,
  fromSeq,
  firstSeq,
  storedLinks,
}: {
  checkpoints: SignedCheckpoint[];
  key: VerifyKey;
  fromSeq: number;
  firstSeq: number;
  storedLinks?: StoredLinks | undefined;
}): Promise<{ startSeq: number; anchor: { link: Uint8Array; signed: boolean } | undefined }> {
  const signed = checkpoints.filter(
    (c) => c.checkpoint.keyId === key.keyId && verifyCheckpoint(c.checkpoint, c.signature, key.publicKey),
  );
  const from = Math.max(fromSeq, firstSeq, 1);
  const c = startFor(signed, from);
  if (c && c.checkpoint.seq + 1 >= firstSeq)
    return { startSeq: c.checkpoint.seq + 1, anchor: { link: c.checkpoint.link, signed: true } };
  const startSeq = Math.max(firstSeq, c ? 0 : 1);
  if (startSeq <= 1) return { startSeq: 1, anchor: { link: ZERO_LINK, signed: true } };
  const kept = storedLinks ? (await storedLinks(startSeq - 1, startSeq - 1)).get(startSeq - 1) : undefined;
  return { startSeq, anchor: kept ? { link: kept, signed: false } : undefined };
}

export async function verifyStream({
  log,
  stream,
  key,
  fromSeq = 1,
  storedLinks,
}: {
  log: Log;
  /** The bare name, e.g. CHAT. */
  stream: string;
  key: VerifyKey;
  fromSeq?: number;
  storedLinks?: StoredLinks | undefined;
}): Promise<AuditStreamReport> {
  const full = log.names.stream(stream.toLowerCase() as never);
  const info = await log.jsm.streams.info(full);
  const checkpoints = await readCheckpoints({ log, stream });
  const firstSeq = info.state.messages === 0 ? info.state.last_seq + 1 : info.state.first_seq;
  const { startSeq, anchor } = await anchorFor({ checkpoints, key, fromSeq, firstSeq, storedLinks });
  const reread = async (from: number, to: number) => {
    const out: ChainEvent[] = [];
    for await (const batch of readRaw({ js: log.js, jsm: log.jsm, stream: full, fromSeq: from, toSeq: to }))
      for (const m of batch) out.push(toChainEvent(m));
    return out;
  };
  return verifyEvents({
    stream,
    events: streamBatches({ log, stream: full, fromSeq: startSeq }),
    checkpoints,
    publicKey: key.publicKey,
    keyId: key.keyId,
    startSeq,
    fromSeq: Math.max(fromSeq, startSeq),
    anchor,
    storedLinks,
    reread,
  });
}

const wireLinks = (w: WireBatch): LinkBatch => ({
  count: w.count,
  seq: (i) => w.at[i * WIRE_FIELDS] as number,
  link: (previous, i) => {
    const o = i * WIRE_FIELDS;
    const a = w.at;
    return linkWire(
      previous,
      w.buf,
      a[o] as number,
      a[o + 1] as number,
      a[o + 2] as number,
      a[o + 3] as number,
      a[o + 4] as number,
      a[o + 5] as number,
    );
  },
});

/**
 * The stream's events off the protocol (read-wire.ts) when the reader can connect as the
 * log's connection does (no credentials to repeat), else through nats.js.
 */
async function* streamBatches({
  log,
  stream,
  fromSeq,
}: {
  log: Log;
  stream: string;
  fromSeq: number;
}): AsyncGenerator<LinkBatch> {
  if (!log.nc.info?.auth_required) {
    const url = `nats://${log.nc.getServer()}`;
    for await (const w of readWire({ url, jsm: log.jsm, stream, fromSeq })) yield wireLinks(w);
    return;
  }
  for await (const batch of readRaw({ js: log.js, jsm: log.jsm, stream, fromSeq }))
    yield linkBatch(batch.map(toChainEvent));
}

/** One line of an export: a stored event, its payload in base64. */
export type ExportLine = { seq: number; subject: string; headers: Record<string, string[]>; payload: string };

export function exportLine(e: ChainEvent): string {
  const headers: Record<string, string[]> = {};
  for (const [name, values] of e.headers) headers[name] = [...values];
  return JSON.stringify({
    seq: e.seq,
    subject: e.subject,
    headers,
    payload: Buffer.from(e.payload).toString('base64'),
  });
}

/** Writes a stream's (bare name) stored events as export lines, in order. */
export async function exportStream({
  log,
  stream,
  write,
}: {
  log: Log;
  stream: string;
  write: (line: string) => void;
}): Promise<number> {
  let n = 0;
  const full = log.names.stream(stream.toLowerCase() as never);
  for await (const batch of readRaw({ js: log.js, jsm: log.jsm, stream: full, fromSeq: 1 }))
    for (const m of batch) {
      write(exportLine(toChainEvent(m)));
      n++;
    }
  return n;
}

function parseLine(text: string): ChainEvent {
  const line = JSON.parse(text) as ExportLine;
  if (!Number.isSafeInteger(line.seq) || typeof line.subject !== 'string' || typeof line.payload !== 'string')
    throw new Error('not an export line');
  return {
    seq: line.seq,
    subject: line.subject,
    headers: Object.entries(line.headers ?? {}),
    payload: Buffer.from(line.payload, 'base64'),
  };
}

/** Verifies an export (`hearth audit export-stream`) against the checkpoints on the log. */
export async function verifyExport({
  log,
  stream,
  lines,
  key,
  storedLinks,
}: {
  log: Log;
  stream: string;
  lines: string[];
  key: VerifyKey;
  storedLinks?: StoredLinks | undefined;
}): Promise<AuditStreamReport> {
  const read = lines.filter((l) => l.trim() !== '').map(parseLine);
  // Out of order lines are named, then checked in sequence order (so a swap is not also a gap).
  const outOfOrder: number[] = [];
  let max = 0;
  for (const e of read) {
    if (e.seq <= max) outOfOrder.push(e.seq);
    max = Math.max(max, e.seq);
  }
  const sorted = [...read].sort((a, b) => a.seq - b.seq);
  const firstSeq = sorted[0]?.seq ?? 1;
  const checkpoints = await readCheckpoints({ log, stream });
  const { startSeq, anchor } = await anchorFor({
    checkpoints,
    key,
    fromSeq: firstSeq,
    firstSeq,
    storedLinks,
  });
  const unique = sorted.filter((e, i) => e.seq !== sorted[i - 1]?.seq);
  async function* events(): AsyncGenerator<LinkBatch> {
    yield linkBatch(sorted.filter((e) => e.seq >= startSeq));
  }
  const reread = async (from: number, to: number) => unique.filter((e) => e.seq >= from && e.seq <= to);
  return verifyEvents({
    stream,
    events: events(),
    checkpoints,
    publicKey: key.publicKey,
    keyId: key.keyId,
    startSeq,
    fromSeq: startSeq,
    anchor,
    storedLinks,
    reread,
    outOfOrder,
  });
}
