// A stream's export (`hearth audit export-stream`) and its verify: one JSON line per stored
// event, its header block as stored (base64: hashed as is, whatever bytes another publisher
// put there) beside the headers decoded for reading, and a last line naming the signed
// checkpoint the export ends at, so a file with its tail cut is caught.
import type { AuditStreamReport } from '../../contracts/audit.api.ts';
import type { Log } from '../log/open.ts';
import type { ChainEvent } from './chain.ts';
import { decodeCheckpoint, readCheckpoints } from './checkpoints.ts';
import { readRaw, toChainEvent } from './read-raw.ts';
import { checkSignatures } from './signatures.ts';
import { linkBatch, type SignedCheckpoint, type StoredLinks, verifyEvents } from './verify.ts';
import { anchorFor, type VerifyKey } from './verify-stream.ts';

/** One line of an export: a stored event, its payload and header block in base64. */
export type ExportLine = {
  seq: number;
  subject: string;
  headers: Record<string, string[]>;
  /** The header block as stored ("NATS/1.0\r\n…"), base64: what verify hashes. */
  raw_headers?: string;
  payload: string;
};

/** The export's last line: the signed checkpoint it ends at. */
export type ExportTrailer = {
  trailer: {
    last_seq: number;
    checkpoint: {
      stream: string;
      first_seq: number;
      anchor: string;
      seq: number;
      link: string;
      key_id: string;
      signature: string;
    };
  };
};

const b64 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

/** The headers decoded, for reading only (a header block nats.js cannot parse gives none). */
function readableHeaders(e: ChainEvent): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  try {
    for (const [name, values] of e.headers) out[name] = [...values];
  } catch {
    return {};
  }
  return out;
}

export function exportLine(e: ChainEvent): string {
  const line: ExportLine = {
    seq: e.seq,
    subject: e.subject,
    headers: readableHeaders(e),
    payload: b64(e.payload),
  };
  if (e.rawHeaders) line.raw_headers = b64(e.rawHeaders);
  return JSON.stringify(line);
}

export function trailerLine(c: SignedCheckpoint): string {
  const k = c.checkpoint;
  const trailer: ExportTrailer = {
    trailer: {
      last_seq: k.seq,
      checkpoint: {
        stream: k.stream,
        first_seq: k.firstSeq,
        anchor: b64(k.anchor),
        seq: k.seq,
        link: b64(k.link),
        key_id: k.keyId,
        signature: b64(c.signature),
      },
    },
  };
  return JSON.stringify(trailer);
}

/**
 * Writes a stream's (bare name) stored events through its newest checkpoint as export lines,
 * in order, then the trailer naming that checkpoint. Answers the events written.
 */
export async function exportStream({
  log,
  stream,
  write,
}: {
  log: Log;
  stream: string;
  write: (line: string) => void;
}): Promise<number> {
  const newest = await log.jsm.direct
    .getMessage(log.names.stream('audit'), { last_by_subj: log.names.audit.chain(stream) })
    .catch(() => null);
  const end = newest ? decodeCheckpoint(newest.data) : undefined;
  if (!end) return 0;
  let n = 0;
  const full = log.names.stream(stream.toLowerCase() as never);
  const toSeq = end.checkpoint.seq;
  for await (const batch of readRaw({ js: log.js, jsm: log.jsm, stream: full, fromSeq: 1, toSeq }))
    for (const m of batch) {
      write(exportLine(toChainEvent(m)));
      n++;
    }
  write(trailerLine(end));
  return n;
}

function parseLine(text: string): ChainEvent | SignedCheckpoint {
  const parsed = JSON.parse(text) as Partial<ExportLine & ExportTrailer>;
  const t = parsed.trailer?.checkpoint;
  if (t) {
    if (!Number.isSafeInteger(t.seq) || !Number.isSafeInteger(t.first_seq))
      throw new Error('not an export trailer');
    return {
      checkpoint: {
        stream: String(t.stream),
        firstSeq: t.first_seq,
        anchor: Buffer.from(String(t.anchor), 'base64'),
        seq: t.seq,
        link: Buffer.from(String(t.link), 'base64'),
        keyId: String(t.key_id),
      },
      signature: Buffer.from(String(t.signature), 'base64'),
    };
  }
  const line = parsed as ExportLine;
  if (!Number.isSafeInteger(line.seq) || typeof line.subject !== 'string' || typeof line.payload !== 'string')
    throw new Error('not an export line');
  return {
    seq: line.seq,
    subject: line.subject,
    headers: Object.entries(line.headers ?? {}),
    payload: Buffer.from(line.payload, 'base64'),
    rawHeaders: typeof line.raw_headers === 'string' ? Buffer.from(line.raw_headers, 'base64') : undefined,
  };
}

/**
 * Verifies an export against the checkpoints on the log through where the export ends: its
 * trailer's checkpoint (so lines cut from its end are missing), else its last line (a file
 * from before exports had a trailer; a cut tail goes unseen there).
 */
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
  const read: ChainEvent[] = [];
  let trailer: SignedCheckpoint | undefined;
  for (const l of lines) {
    if (l.trim() === '') continue;
    const parsed = parseLine(l);
    if ('checkpoint' in parsed) trailer = parsed;
    else read.push(parsed);
  }
  // Out of order lines are named, then checked in sequence order (so a swap is not also a gap).
  const outOfOrder: number[] = [];
  let max = 0;
  for (const e of read) {
    if (e.seq <= max) outOfOrder.push(e.seq);
    max = Math.max(max, e.seq);
  }
  const sorted = [...read].sort((a, b) => a.seq - b.seq);
  const firstSeq = sorted[0]?.seq ?? 1;
  const end = trailer?.checkpoint.seq ?? max;
  const onLog = (await readCheckpoints({ log, stream })).filter((c) => c.checkpoint.seq <= end);
  const checkpoints = trailer && !onLog.some((c) => c.checkpoint.seq === end) ? [...onLog, trailer] : onLog;
  const { startSeq, anchor, prior } = await anchorFor({
    checkpoints,
    key,
    from: firstSeq,
    firstSeq,
    storedLinks,
  });
  const unique = sorted.filter((e, i) => e.seq !== sorted[i - 1]?.seq);
  async function* events() {
    yield linkBatch(sorted.filter((e) => e.seq >= startSeq));
  }
  const reread = async (from: number, to: number) => unique.filter((e) => e.seq >= from && e.seq <= to);
  return verifyEvents({
    stream,
    events: events(),
    checkpoints: await checkSignatures(
      checkpoints.filter((c) => c.checkpoint.seq >= startSeq),
      key,
    ),
    prior: prior?.checkpoint,
    keyId: key.keyId,
    startSeq,
    fromSeq: startSeq,
    anchor,
    storedLinks,
    reread,
    outOfOrder,
  });
}
