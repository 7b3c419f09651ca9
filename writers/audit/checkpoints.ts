// Signed checkpoints on the AUDIT stream (hearth.audit.chain.<stream>): appended with a
// message id of their stream and sequence, so a retry never doubles one, and read back.
import { randomUUID } from 'node:crypto';
import { create, fromBinary } from '@bufbuild/protobuf';
import {
  type AuditEvent,
  AuditEventSchema,
  ChainCheckpointedSchema,
} from '../../contracts/gen/hearth/audit/v1/events_pb.ts';
import { encode, eventHeaders } from '../log/encode.ts';
import { toUnavailable } from '../log/link.ts';
import type { Log } from '../log/open.ts';
import { type Checkpoint, type SigningKey, signCheckpoint } from './chain.ts';
import { readRaw } from './read-raw.ts';
import type { SignedCheckpoint } from './verify.ts';

/** A stream's name without the namespace prefix (CHAT), as checkpoints and reports name it. */
export function bareStreamName(log: Pick<Log, 'names'>, stream: string): string {
  const audit = log.names.stream('audit');
  const prefix = audit.slice(0, audit.length - 'AUDIT'.length);
  return stream.startsWith(prefix) ? stream.slice(prefix.length) : stream;
}

export const checkpointMsgId = (stream: string, seq: number) => `chain:${stream}:${seq}`;

/** Signs and appends a checkpoint; answers its sequence on the AUDIT stream. */
export async function appendCheckpoint({
  log,
  key,
  range,
  now,
}: {
  log: Log;
  key: SigningKey;
  range: Omit<Checkpoint, 'keyId'>;
  now: Date;
}): Promise<{ checkpoint: Checkpoint; auditSeq: number }> {
  const { checkpoint, signature } = signCheckpoint(range, key);
  const value = create(ChainCheckpointedSchema, {
    stream: checkpoint.stream,
    firstSeq: BigInt(checkpoint.firstSeq),
    anchor: checkpoint.anchor,
    seq: BigInt(checkpoint.seq),
    link: checkpoint.link,
    signature,
    keyId: checkpoint.keyId,
  });
  const event = { case: 'chainCheckpointed' as const, value };
  const meta = { now, actorId: '', correlationId: randomUUID() };
  const ack = await log.link
    .reach(() =>
      log.js.publish(log.names.audit.chain(checkpoint.stream), encode(AuditEventSchema, event, meta), {
        msgID: checkpointMsgId(checkpoint.stream, checkpoint.seq),
        headers: eventHeaders(event, meta),
      }),
    )
    .catch((err: unknown) => {
      throw toUnavailable(err);
    });
  return { checkpoint, auditSeq: ack.seq };
}

/**
 * The checkpoints of one stream (bare name) appended at or after AUDIT sequence `fromAuditSeq`
 * (all by default), in the order they were appended: a read filtered on their subject.
 */
export async function readCheckpoints({
  log,
  stream,
  fromAuditSeq = 1,
}: {
  log: Log;
  stream: string;
  fromAuditSeq?: number;
}): Promise<SignedCheckpoint[]> {
  const out: SignedCheckpoint[] = [];
  const audit = log.names.stream('audit');
  const filter = log.names.audit.chain(stream);
  // The newest one bounds the read: a filtered read never learns it is at the end otherwise.
  const newest = await log.jsm.direct.getMessage(audit, { last_by_subj: filter }).catch(() => null);
  if (!newest) return out;
  for await (const batch of readRaw({
    js: log.js,
    jsm: log.jsm,
    stream: audit,
    fromSeq: Math.min(Math.max(fromAuditSeq, 1), newest.seq),
    toSeq: newest.seq,
    filter,
  })) {
    for (const m of batch) {
      const decoded = decodeCheckpoint(m.data);
      if (decoded) out.push(decoded);
    }
  }
  return out;
}

export function decodeCheckpoint(data: Uint8Array): SignedCheckpoint | undefined {
  let env: AuditEvent;
  try {
    env = fromBinary(AuditEventSchema, data);
  } catch {
    return undefined;
  }
  if (env.event.case !== 'chainCheckpointed') return undefined;
  const c = env.event.value;
  return {
    checkpoint: {
      stream: c.stream,
      firstSeq: Number(c.firstSeq),
      anchor: c.anchor,
      seq: Number(c.seq),
      link: c.link,
      keyId: c.keyId,
    },
    signature: c.signature,
  };
}
