// JetStream's stream snapshot and restore, spoken over the connection: @nats-io/jetstream v3 has
// no client for them. A snapshot is the server's own archive of a stream (its blocks, checked
// with jsck), so a restore brings back every message with its sequence, time and headers: the
// hash chain, the sealed keys and the Object Store chunks come back byte for byte.
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { createInbox } from '@nats-io/transport-node';

/** The stream's configuration and state as the server described them when it took the snapshot. */
export type SnapshotHead = { config: Record<string, unknown>; state: Record<string, unknown> };

type ApiError = { error?: { code: number; err_code?: number; description: string } };

const API_TIMEOUT_MS = 30_000;
/** The server's default chunk; its flow-control window is a few hundred of them. */
const CHUNK_SIZE = 128 * 1024;

const decode = <T>(data: Uint8Array): T & ApiError =>
  JSON.parse(new TextDecoder().decode(data)) as T & ApiError;

function refused(what: string, answer: ApiError): Error | undefined {
  if (!answer.error) return undefined;
  return new Error(`${what}: ${answer.error.description} (${answer.error.code})`);
}

/** A status line on an empty message ("NATS/1.0 500 …"): the server ending a snapshot in error. */
function failure(msg: Msg): string | undefined {
  const headers = msg.headers;
  if (!headers) return undefined;
  const code = headers.code;
  return code && code >= 300 ? `${code} ${headers.description}` : undefined;
}

/**
 * Streams `stream`'s snapshot into `write`, chunk by chunk, acking each so the server keeps
 * sending (its flow control); consumers are left out, since each hub makes its own again.
 */
export async function snapshotStream({
  nc,
  stream,
  write,
}: {
  nc: NatsConnection;
  stream: string;
  write: (chunk: Uint8Array) => Promise<void>;
}): Promise<SnapshotHead & { bytes: number }> {
  const deliver = createInbox();
  const sub = nc.subscribe(deliver);
  try {
    const answer = decode<SnapshotHead>(
      (
        await nc.request(
          `$JS.API.STREAM.SNAPSHOT.${stream}`,
          JSON.stringify({
            deliver_subject: deliver,
            chunk_size: CHUNK_SIZE,
            jsck: true,
            no_consumers: true,
          }),
          { timeout: API_TIMEOUT_MS },
        )
      ).data,
    );
    const error = refused(`snapshot of ${stream}`, answer);
    if (error) throw error;
    let bytes = 0;
    let ended = false;
    // A server that stops sending (gone, or the snapshot lost) must not hold the backup forever.
    let idle = setTimeout(() => sub.unsubscribe(), API_TIMEOUT_MS);
    try {
      for await (const msg of sub) {
        clearTimeout(idle);
        if (msg.data.length === 0) {
          const failed = failure(msg);
          if (failed) throw new Error(`snapshot of ${stream}: ${failed}`);
          ended = true;
          break;
        }
        await write(msg.data);
        bytes += msg.data.length;
        if (msg.reply) msg.respond();
        idle = setTimeout(() => sub.unsubscribe(), API_TIMEOUT_MS);
      }
    } finally {
      clearTimeout(idle);
    }
    if (!ended) throw new Error(`snapshot of ${stream}: no chunk for ${API_TIMEOUT_MS / 1000} s`);
    return { config: answer.config, state: answer.state, bytes };
  } finally {
    sub.unsubscribe();
  }
}

/**
 * Restores a stream from its snapshot into a server that has no stream of that name: the
 * server names a subject, each chunk is a request answered once stored, and an empty one ends
 * it (answered when the stream is back, which for a large stream takes a while).
 */
export async function restoreStream({
  nc,
  head,
  chunks,
}: {
  nc: NatsConnection;
  head: SnapshotHead;
  chunks: AsyncIterable<Uint8Array>;
}): Promise<{ messages: number }> {
  const stream = String(head.config.name);
  const answer = decode<{ deliver_subject: string }>(
    (
      await nc.request(`$JS.API.STREAM.RESTORE.${stream}`, JSON.stringify(head), {
        timeout: API_TIMEOUT_MS,
      })
    ).data,
  );
  const error = refused(`restore of ${stream}`, answer);
  if (error) throw error;
  for await (const chunk of chunks) {
    const ack = await nc.request(answer.deliver_subject, chunk, { timeout: API_TIMEOUT_MS });
    if (ack.data.length > 0) {
      const problem = refused(`restore of ${stream}`, decode(ack.data));
      if (problem) throw problem;
    }
  }
  const done = decode<{ state?: { messages: number } }>(
    (await nc.request(answer.deliver_subject, new Uint8Array(0), { timeout: 10 * API_TIMEOUT_MS })).data,
  );
  const failed = refused(`restore of ${stream}`, done);
  if (failed) throw failed;
  return { messages: done.state?.messages ?? 0 };
}
