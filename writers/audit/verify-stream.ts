// Verifies a stream of the log against its signed checkpoints (an export file: export-file.ts).
import type { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { StreamInfo } from '@nats-io/jetstream';
import type { AuditStreamReport } from '../../contracts/audit.api.ts';
import type { Log } from '../log/open.ts';
import { type ChainEvent, chainWire, ZERO_LINK } from './chain.ts';
import { openChainThread } from './chain-thread.ts';
import { readCheckpoints } from './checkpoints.ts';
import { readRaw, toChainEvent } from './read-raw.ts';
import { readWire, WIRE_FIELDS, type WireBatch } from './read-wire.ts';
import { checkSignatures, newestSigned, signedBy } from './signatures.ts';
import {
  chainHere,
  type LinkBatch,
  linkBatch,
  type Running,
  type SignedCheckpoint,
  type StoredLinks,
  verifyEvents,
} from './verify.ts';

export type VerifyKey = { publicKey: KeyObject; keyId: string };

/** The AUDIT sequence of the newest checkpoint recorded at or before a stream's sequence (a hint where to read). */
export type CheckpointsFrom = (seq: number) => Promise<number | undefined>;

type Anchor = { link: Uint8Array; signed: boolean };

/**
 * Where to start and from what: link(0) is zero; else the newest signed checkpoint at or before
 * from - 1 while what follows it is retained; else (expired past it) the signed anchor of a
 * checkpoint starting at the first retained event, or the chainer's kept link before it, which
 * the next signed checkpoint confirms or refutes. Only the candidates' signatures are checked.
 */
export async function anchorFor({
  checkpoints,
  key,
  from,
  firstSeq,
  storedLinks,
}: {
  checkpoints: SignedCheckpoint[];
  key: VerifyKey;
  from: number;
  firstSeq: number;
  storedLinks?: StoredLinks | undefined;
}): Promise<{ startSeq: number; anchor: Anchor | undefined; prior: SignedCheckpoint | undefined }> {
  const c = await newestSigned(checkpoints, key, from - 1, firstSeq - 1);
  if (c)
    return { startSeq: c.checkpoint.seq + 1, anchor: { link: c.checkpoint.link, signed: true }, prior: c };
  const startSeq = Math.max(firstSeq, 1);
  if (startSeq <= 1) return { startSeq: 1, anchor: { link: ZERO_LINK, signed: true }, prior: undefined };
  const opening = checkpoints.find((o) => o.checkpoint.firstSeq === startSeq && signedBy(o, key));
  if (opening)
    return { startSeq, anchor: { link: opening.checkpoint.anchor, signed: true }, prior: undefined };
  const kept = storedLinks ? (await storedLinks(startSeq - 1, startSeq - 1)).get(startSeq - 1) : undefined;
  return { startSeq, anchor: kept ? { link: kept, signed: false } : undefined, prior: undefined };
}

const firstRetained = (info: StreamInfo) =>
  info.state.messages === 0 ? info.state.last_seq + 1 : info.state.first_seq;

export async function verifyStream({
  log,
  stream,
  key,
  fromSeq = 1,
  storedLinks,
  checkpointsFrom,
  threadFrom,
}: {
  log: Log;
  /** The bare name, e.g. CHAT. */
  stream: string;
  key: VerifyKey;
  fromSeq?: number;
  storedLinks?: StoredLinks | undefined;
  checkpointsFrom?: CheckpointsFrom | undefined;
  /** From how many events to read the stream hashes on a thread of its own (THREAD_FROM). */
  threadFrom?: number | undefined;
}): Promise<AuditStreamReport> {
  const full = log.names.stream(stream.toLowerCase() as never);
  // Checkpoints from the one anchoring the start on (where the chainer recorded it), not from
  // AUDIT's first: a verify from a later sequence reads and checks only what it needs.
  const before = Math.max(fromSeq, firstRetained(await log.jsm.streams.info(full))) - 1;
  const hint = before > 0 && checkpointsFrom ? await checkpointsFrom(before) : undefined;
  let checkpoints = await readCheckpoints({ log, stream, fromAuditSeq: hint ?? 1 });
  if (hint !== undefined && !checkpoints.some((c) => c.checkpoint.seq <= before))
    checkpoints = await readCheckpoints({ log, stream });
  // Read after the checkpoints: events expire meanwhile, and the walk must start past them.
  const firstSeq = firstRetained(await log.jsm.streams.info(full));
  const from = Math.max(fromSeq, firstSeq, 1);
  const { startSeq, anchor, prior } = await anchorFor({ checkpoints, key, from, firstSeq, storedLinks });
  const reread = async (from: number, to: number) => {
    const out: ChainEvent[] = [];
    for await (const batch of readRaw({ js: log.js, jsm: log.jsm, stream: full, fromSeq: from, toSeq: to }))
      for (const m of batch) out.push(toChainEvent(m));
    return out;
  };
  const expired = async (seq: number) => firstRetained(await log.jsm.streams.info(full)) >= seq;
  return verifyEvents({
    stream,
    events: streamBatches({ log, stream: full, fromSeq: startSeq, threadFrom }),
    checkpoints: await checkSignatures(
      checkpoints.filter((c) => c.checkpoint.seq >= startSeq),
      key,
    ),
    prior: prior?.checkpoint,
    keyId: key.keyId,
    startSeq,
    fromSeq: Math.max(fromSeq, startSeq),
    anchor,
    storedLinks,
    reread,
    expired,
  });
}

/**
 * From how many events verify hashes on a thread of its own: below it, starting one costs more
 * than it saves. Only with more than two cores: nats-server sending the stream takes one, and on
 * two the reader and the hashing thread share the other, slower than one thread doing both
 * (measured: 283k against 311k events/s over 1M).
 */
export const THREAD_FROM = availableParallelism() > 2 ? 20_000 : Number.POSITIVE_INFINITY;

/** A wire batch chained here (chainWire), from the running link the walk carries. */
const wireHere = (w: WireBatch, running: Running): LinkBatch => ({
  count: w.count,
  seq: (i) => w.at[i * WIRE_FIELDS] as number,
  chain: (plan) =>
    chainHere(
      w.count,
      (previous, i) => {
        const o = i * WIRE_FIELDS;
        const a = w.at;
        return chainWire(
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
      running,
      plan,
    ),
});

/**
 * The stream's events off the protocol (read-wire.ts) when the reader can connect as the
 * log's connection does (no credentials to repeat), else through nats.js. From `threadFrom`
 * events on, they are hashed on a thread of its own (chain-thread.ts) while the next are read.
 */
async function* streamBatches({
  log,
  stream,
  fromSeq,
  threadFrom = THREAD_FROM,
}: {
  log: Log;
  stream: string;
  fromSeq: number;
  threadFrom?: number | undefined;
}): AsyncGenerator<LinkBatch> {
  const running: Running = { link: ZERO_LINK };
  if (log.nc.info?.auth_required) {
    for await (const batch of readRaw({ js: log.js, jsm: log.jsm, stream, fromSeq }))
      yield linkBatch(batch.map(toChainEvent), running);
    return;
  }
  const url = `nats://${log.nc.getServer()}`;
  const { state } = await log.jsm.streams.info(stream);
  if (state.last_seq - Math.max(fromSeq, state.first_seq) + 1 < threadFrom) {
    for await (const w of readWire({ url, jsm: log.jsm, stream, fromSeq })) yield wireHere(w, running);
    return;
  }
  const thread = openChainThread();
  try {
    for await (const w of readWire({ url, jsm: log.jsm, stream, fromSeq })) {
      yield {
        count: w.count,
        seq: (i) => w.at[i * WIRE_FIELDS] as number,
        chain: (plan) => thread.chain(w, plan),
      };
      // A batch waiting for room in the ring holds its memory: read on once it is in.
      await thread.room();
    }
  } finally {
    await thread.close();
  }
}
